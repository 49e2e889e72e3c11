"""The flow machinery: a flow is a table of named steps, each a pair of small functions.

`ask(turn)` says the question; `answer(turn) -> bool` takes the citizen's answer (True: accepted,
go on; False: it already re-asked with an example). `skip(turn) -> bool` leaves a step out (voice
cannot type a name; household members share the address). The table order is the flow.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bot.turn import Turn


@dataclass(frozen=True)
class Step:
    """One question of a flow."""

    name: str
    ask: Callable[[Turn], None]
    answer: Callable[[Turn], bool]
    skip: Callable[[Turn], bool] | None = None


@dataclass(frozen=True)
class Flow:
    """A named table of steps and what to do when the last one is answered."""

    name: str
    steps: tuple[Step, ...]
    finish: Callable[[Turn], None]

    def step(self, name: str) -> Step:
        """The step called `name`."""
        return next(s for s in self.steps if s.name == name)

    def _next_from(self, turn: Turn, index: int) -> Step | None:
        for step in self.steps[index:]:
            if not (step.skip and step.skip(turn)):
                return step
        return None

    def start(self, turn: Turn, data: dict | None = None) -> None:
        """Begin the flow and ask its first question."""
        turn.session.start(self.name, "", data)
        self._go(turn, self._next_from(turn, 0))

    def _go(self, turn: Turn, step: Step | None) -> None:
        if step is None:
            self.finish(turn)
            return
        turn.session.step = step.name
        step.ask(turn)

    def advance(self, turn: Turn) -> bool:
        """Give the citizen's message to the current step, then ask the next question; False when the
        message was not an answer (the step has asked again)."""
        current = self.step(turn.session.step)
        if not current.answer(turn):
            return False
        turn.session.history.append(current.name)
        index = self.steps.index(current) + 1
        self._go(turn, self._next_from(turn, index))
        return True

    def back(self, turn: Turn) -> bool:
        """Return to the previous question; False when already at the first."""
        if not turn.session.history:
            return False
        turn.session.step = turn.session.history.pop()
        self.step(turn.session.step).ask(turn)
        return True
