"""Conversation sessions in Redis (they may be lost: durable records are in the database)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import redis


@dataclass
class ConversationSession:
    """Where one citizen is in a conversation on one channel."""

    channel: str
    user_id: str
    lang: str | None = None
    flow: str | None = None
    step: str | None = None
    data: dict = field(default_factory=dict)
    history: list = field(default_factory=list)  # previous steps, for "back"
    paused: dict | None = None  # an unfinished flow the citizen left for the menu
    misses: int = 0  # consecutive questions the NLU could not place
    offered: list = field(default_factory=list)  # payloads of the last buttons (SMS/voice answer by number)
    offered_titles: dict = field(default_factory=dict)  # folded title -> payload (a typed "Có" is a button)
    told: list = field(default_factory=list)  # answers already given in full ("tracing"): the next time, shorter
    handoff: int | None = None  # the open hand-off the citizen's messages join (bot.handoff_talk)
    handoff_ack_at: float | None = None  # when the bot last said "added to your request" (then it stays quiet)
    typed: bool = False  # a typed message was seen: the first one decides the language (bot.language_guess)

    @staticmethod
    def key(channel: str, user_id: str) -> str:
        """The Redis key of a session."""
        return f"loa:session:{channel}:{user_id}"

    @classmethod
    def load(cls, client: redis.Redis, channel: str, user_id: str) -> "ConversationSession":
        """The stored session, or a new empty one."""
        raw = client.get(cls.key(channel, user_id))
        if not raw:
            return cls(channel=channel, user_id=user_id)
        data = json.loads(raw)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def save(self, client: redis.Redis, ttl_s: int) -> None:
        """Store the session; it expires after `ttl_s` without activity."""
        client.set(self.key(self.channel, self.user_id), json.dumps(asdict(self), ensure_ascii=False), ex=ttl_s)

    def start(self, flow: str, step: str, data: dict | None = None) -> None:
        """Enter a flow at its first step."""
        self.flow, self.step, self.data, self.history = flow, step, dict(data or {}), []

    def end(self) -> None:
        """Leave the current flow."""
        self.flow, self.step, self.data, self.history = None, None, {}, []

    def pause(self) -> None:
        """Set the current flow aside so the citizen can come back to it."""
        if self.flow:
            self.paused = {"flow": self.flow, "step": self.step, "data": self.data, "history": self.history}
        self.end()

    def resume(self) -> bool:
        """Return to the paused flow; False when there is none."""
        if not self.paused:
            return False
        p, self.paused = self.paused, None
        self.flow, self.step, self.data, self.history = p["flow"], p["step"], p["data"], p["history"]
        return True
