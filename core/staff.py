"""`python -m core.staff`: staff accounts and their API tokens from the command line.

  add NAME --role ROLE [--password-stdin]   create an account; prints its first API token (shown once)
  token NAME [--label L]                    issue another API token (shown once)
  revoke TOKEN_ID                           revoke a token for good
  list                                      accounts and their tokens (never the tokens themselves)
  passwd NAME                               set the console password (from stdin, or asked for)
  disable NAME                              disable an account: its tokens and sessions stop working
"""
from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import select

from core import roles, staff_accounts
from core.db import session_scope
from core.models import load_all_models
from core.settings import Settings
from core.staff_models import ApiToken, StaffAccount


def _actor() -> str:
    # The audit log says which operating-system user ran the command; there is no staff identity here.
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise staff_accounts.StaffError("the two passwords differ")
    return first


def _add(session, args) -> str:
    password = _read_password(True) if args.password_stdin else None
    account = staff_accounts.create_account(session, args.name, args.role, password, actor=_actor())
    row, token = staff_accounts.issue_token(session, account, args.label, actor=_actor())
    return f"created {account.role} {account.name!r} (id {account.id}); API token {row.id}, shown only now:\n{token}"


def _token(session, args) -> str:
    account = staff_accounts.get_account(session, args.name)
    row, token = staff_accounts.issue_token(session, account, args.label, actor=_actor())
    return f"API token {row.id} for {account.name!r}, shown only now:\n{token}"


def _revoke(session, args) -> str:
    row = staff_accounts.revoke_token(session, args.token_id, actor=_actor())
    return f"API token {row.id} revoked"


def _list(session, _args) -> str:
    lines, tokens = [], {}
    for row in session.scalars(select(ApiToken).order_by(ApiToken.id)):
        tokens.setdefault(row.account_id, []).append(row)
    for account in session.scalars(select(StaffAccount).order_by(StaffAccount.name)):
        state = "active" if account.active else "disabled"
        lines.append(f"{account.name}\t{account.role}\t{state}\tpassword {'set' if account.password_hash else 'none'}")
        for row in tokens.get(account.id, []):
            used = row.last_used_at.isoformat(timespec="minutes") if row.last_used_at else "never"
            revoked = f"revoked {row.revoked_at.isoformat(timespec='minutes')}" if row.revoked_at else "valid"
            lines.append(f"  token {row.id}\t{row.label or '-'}\t{revoked}\tlast used {used}")
    return "\n".join(lines) or "no staff accounts yet"


def _passwd(session, args) -> str:
    staff_accounts.set_password(session, args.name, _read_password(args.password_stdin), actor=_actor())
    return f"password of {args.name!r} set; its console sessions are signed out"


def _disable(session, args) -> str:
    staff_accounts.disable_account(session, args.name, actor=_actor())
    return f"{args.name!r} disabled: its tokens and sessions no longer work"


def parser() -> argparse.ArgumentParser:
    """The command line of `python -m core.staff`."""
    top = argparse.ArgumentParser(prog="python -m core.staff", description="Loa staff accounts and API tokens")
    sub = top.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account and print its first API token")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=roles.ROLES)
    add.add_argument("--password-stdin", action="store_true", help="read a console password from stdin")
    add.add_argument("--label", default="first token")
    add.set_defaults(run=_add)
    token = sub.add_parser("token", help="issue another API token")
    token.add_argument("name")
    token.add_argument("--label")
    token.set_defaults(run=_token)
    revoke = sub.add_parser("revoke", help="revoke an API token")
    revoke.add_argument("token_id", type=int)
    revoke.set_defaults(run=_revoke)
    sub.add_parser("list", help="accounts and tokens").set_defaults(run=_list)
    passwd = sub.add_parser("passwd", help="set an account's console password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    passwd.set_defaults(run=_passwd)
    disable = sub.add_parser("disable", help="disable an account")
    disable.add_argument("name")
    disable.set_defaults(run=_disable)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; 1 with a message on stderr when it cannot be done."""
    args = parser().parse_args(argv)
    load_all_models()
    try:
        # Printed only after the commit: a token shown must be a token that works.
        with session_scope(Settings.from_env().database_url) as session:
            output = args.run(session, args)
    except staff_accounts.StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
