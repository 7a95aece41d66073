"""The one command-line front of PeerDesk: the window by default, and the subcommands.

Exit status: 0 on success; 1 on a user error (bad input, a wrong password or backup
passphrase, a damaged backup), with one plain sentence on stderr and no traceback; 2 on bad
arguments (argparse).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import io
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from peerdesk import __version__
from peerdesk.core.errors import PeerDeskError
from peerdesk.paths import Paths, resolve_paths

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peerdesk.core.audit import Actor
    from peerdesk.core.backup import Passphrase, RestorePreview, Unlock
    from peerdesk.core.db import Database
    from peerdesk.core.dto import Phase
    from peerdesk.core.imports import PreviewRow

PASSWORD_ENV = "PEERDESK_PASSWORD"

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_BAD_ARGUMENTS = 2


@dataclass
class Context:
    """What every command needs: where the files are, and the database once opened."""

    paths: Paths
    args: argparse.Namespace
    _db: Database | None = field(default=None, repr=False)
    _actor: Actor | None = field(default=None, repr=False)

    def open_db(self) -> Database:
        from peerdesk.core.db import Database

        if self._db is None:
            from peerdesk.core.audit_anchor import keep_anchor

            new_house = not self.paths.db.exists() or self.paths.db.stat().st_size == 0
            self._db = Database.open(self.paths.db)
            keep_anchor(self._db, self.paths.config_dir, new_house=new_house)
        return self._db

    def actor(self) -> Actor:
        """Who runs this command: nobody needs to sign in until the house has accounts;
        after that ``--user`` and a password are required, and the attempt is audited."""
        if self._actor is None:
            self._actor = self._sign_in()
        return self._actor

    def _sign_in(self) -> Actor:
        from peerdesk.core.audit import Actor
        from peerdesk.core.services import users

        db = self.open_db()
        with db.read() as s:
            has_accounts = users.any_accounts(s)
        if not has_accounts:
            return Actor.local_administrator()
        if not self.args.user:
            raise PeerDeskError(
                "This house has user accounts: put --user NAME before the command, with the "
                "password in PEERDESK_PASSWORD or typed at the prompt."
            )
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise PeerDeskError(
                    f"Give the password of {self.args.user} in {PASSWORD_ENV}, or run the "
                    "command in a terminal to be asked for it."
                )
            password = getpass.getpass(f"Password for {self.args.user}: ")
        with db.begin() as s:
            result = users.sign_in(s, self.args.user, password)
        if result.actor is None:
            raise PeerDeskError(result.message)
        return result.actor

    def close(self) -> None:
        """Close the database (it reopens on the next ``open_db``)."""
        if self._db is not None:
            self._db.close()
            self._db = None


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, for example 2026-03-07"
        ) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than zero")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be zero or more")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than zero")
    return value


# --------------------------------------------------------------------------- commands


def _cmd_gui(ctx: Context) -> int:
    from peerdesk.app import run_gui

    return run_gui(ctx.paths, demo=ctx.args.demo, self_test=ctx.args.self_test, user=ctx.args.user)


def _cmd_demo(ctx: Context) -> int:
    from peerdesk.core.demo import build_demo_house

    db = ctx.open_db()
    summary = build_demo_house(
        db,
        beds=ctx.args.residents,
        years=ctx.args.years,
        seed=ctx.args.seed,
        actor=ctx.actor(),
        with_accounts=True,
    )
    print(
        f"Demo house built in {db.path}: {summary.residents} residents ({summary.beds} beds, "
        f"{summary.stays} stays), {summary.mentors} peer mentors, {summary.sessions} sessions "
        f"with {summary.attendance} attendances, {summary.assessments} assessments, "
        f"{summary.supervision_notes} supervision notes over {summary.years:g} "
        f"{'year' if summary.years == 1 else 'years'}."
    )
    if summary.password:
        print(
            f"Accounts {', '.join(summary.usernames)} share one password; from now on put "
            "--user NAME before a command, with the password in PEERDESK_PASSWORD."
        )
        print(f"demo password: {summary.password}")
    return EXIT_OK


def _cmd_check(ctx: Context) -> int:
    from peerdesk.core.check import held_by_backups, run_checks

    db = ctx.open_db()
    # Checked before anyone signs in: a sign-in writes an audit line of its own.
    held = held_by_backups(db, ctx.paths.local_backup_dir)
    results = run_checks(db, db.anchor.read() if db.anchor is not None else None, held)
    ctx.actor()
    for result in results:
        print(f"{result.name}: {result.detail}")
    failed = [r.name for r in results if not r.ok]
    if failed:
        print(
            f"The database has problems ({', '.join(failed)}). Restore the latest verified "
            "backup, or ask for help before entering more records.",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    return EXIT_OK


def _find_phase(phases: list[Phase], text: str) -> Phase:
    """The phase called ``text`` (its name or short name, any case)."""
    wanted = " ".join(text.split()).casefold()
    for phase in phases:
        if wanted in (phase.name.casefold(), phase.short_name.casefold()):
            return phase
    raise PeerDeskError(
        f"There is no phase called {text}; 'peerdesk phases' lists the house's phases."
    )


def _cmd_phases(ctx: Context) -> int:
    from peerdesk.core.services import settings as settings_service

    actor = ctx.actor()
    db = ctx.open_db()
    action = ctx.args.action or "list"
    if action != "list":
        with db.begin() as s:
            phases = settings_service.list_phases(s, include_retired=True)
            if action == "add":
                done = settings_service.add_phase(
                    s, actor, ctx.args.name, ctx.args.short or "",
                    mentors_allowed=ctx.args.mentors_may_serve,
                )  # fmt: skip
            else:
                phase = _find_phase(phases, ctx.args.name)
                if action == "rename":
                    short = phase.short_name if ctx.args.short is None else ctx.args.short
                    if ctx.args.short is None and phase.short_name == phase.name:
                        short = ""  # the short name was the name: it follows the new one
                    done = settings_service.update_phase(
                        s, actor, phase.id, ctx.args.new_name, short,
                        mentors_allowed=phase.mentors_allowed,
                    )  # fmt: skip
                elif action == "move":
                    step = -1 if ctx.args.where == "earlier" else 1
                    done = settings_service.move_phase(s, actor, phase.id, step)
                elif action == "retire":
                    done = settings_service.retire_phase(s, actor, phase.id)
                else:
                    done = settings_service.reinstate_phase(s, actor, phase.id)
        print(f"{action.capitalize()}: {done.name}.")
    with db.read() as s:
        phases = settings_service.list_phases(s, include_retired=True)
        counts = settings_service.residents_by_phase(s)
    for number, phase in enumerate(phases, start=1):
        status = "in use" if phase.active else "retired"
        mentors = ", residents may serve as peer mentors" if phase.mentors_allowed else ""
        print(
            f"{number}. {phase.name} ({phase.short_name}): {status}, "
            f"{counts.get(phase.id, 0)} in it now{mentors}"
        )
    return EXIT_OK


def _cmd_export_csv(ctx: Context) -> int:
    from peerdesk.core.exports import CsvTable, export_csv
    from peerdesk.core.files import write_atomically

    actor = ctx.actor()
    db = ctx.open_db()
    out_path = Path(ctx.args.out)
    with write_atomically(out_path) as raw, db.begin() as s:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        count = export_csv(s, actor, CsvTable(ctx.args.table), text)
        text.flush()
        text.detach()
    print(f"{count} {ctx.args.table} rows written to {out_path}")
    return EXIT_OK


def _preview_line(row: PreviewRow) -> str:
    """One row of the preview on one line (line breaks and control characters from the
    spreadsheet shown as spaces, so they cannot break the listing or the terminal)."""
    text = f"line {row.line:<5} {row.status.value:<9} {row.name}"
    if row.reason:
        text += f": {row.reason}"
    if row.notes:
        text += f" [{'; '.join(row.notes)}]"
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _cmd_import(ctx: Context) -> int:
    from peerdesk.core import imports, vocab
    from peerdesk.core.errors import ImportProblem

    args = ctx.args
    actor = ctx.actor()
    kind = imports.ImportKind(args.kind)
    sheet = imports.read_sheet(Path(args.file))
    order = vocab.DateOrder(args.date_order) if args.date_order else None
    db = ctx.open_db()
    if args.dry_run:
        # The preview saves each row inside a savepoint it rolls back: nothing is kept.
        with db.begin() as s:
            mapping = imports.offered_mapping(s, kind, sheet.header)
            preview = imports.preview_import(s, actor, sheet, mapping, date_order=order)
        for row in preview.rows:
            print(_preview_line(row))
        print(
            f"Dry run of {sheet.file_name} ({sheet.source}; dates read "
            f"{preview.date_order.label.split(' (')[0].lower()}): {preview.summary()}; "
            "nothing was written."
        )
        return EXIT_OK
    with db.begin() as s:
        mapping = imports.offered_mapping(s, kind, sheet.header)
        outcome = imports.import_sheet(
            s, actor, sheet, mapping, date_order=order, skip_wrong_rows=args.skip_bad_rows
        )
    for row in outcome.preview.rows:
        if row.status is not imports.RowStatus.NEW:
            print(_preview_line(row))
    if outcome.result is None:
        wrong = len(outcome.preview.wrong)
        raise ImportProblem(
            f"{wrong} {'row is' if wrong == 1 else 'rows are'} wrong in {sheet.file_name} "
            f"(listed above), so nothing was imported; correct {'it' if wrong == 1 else 'them'} "
            "in the spreadsheet, or run "
            "again with --skip-bad-rows to import the other rows."
        )
    print(outcome.result.summary())
    return EXIT_OK


def _report_options(ctx: Context, s: Session) -> object:
    """The chosen report's options, from the command line (names looked up in ``s``)."""
    from peerdesk.core import report_data as rd

    args = ctx.args
    if args.kind == "roster":
        return rd.RosterOptions(group_by=rd.RosterGrouping(args.group_by), contacts=args.contacts)
    if args.kind == "mentors":
        return rd.MentorRosterOptions(include_inactive=args.inactive)
    if args.kind == "signin":
        return rd.SignInOptions(
            title=args.title,
            session_date=args.date,
            facilitator=args.facilitator,
            phase=args.phase,
            expected=not args.no_names,
            blank_rows=args.blank_rows,
        )
    if args.kind == "supervision":
        mentor = rd.find_mentor(s, args.mentor).id if args.mentor else None
        return rd.SupervisionLogOptions(start=args.start, end=args.end, mentor_id=mentor)
    if args.kind == "facesheet":
        ids = tuple(dict.fromkeys(rd.find_resident(s, name) for name in args.resident))
        return rd.FaceSheetOptions(resident_ids=ids)
    return rd.OutcomeOptions(
        start=args.start,
        end=args.end,
        as_of=args.as_of,
        identified=args.identified,
        grant=args.grant,
    )


def _cmd_export_report(ctx: Context) -> int:
    from peerdesk.reports.catalog import save_report

    actor = ctx.actor()  # sign in before anything is looked up
    db = ctx.open_db()
    with db.read() as s:
        options = _report_options(ctx, s)
    if ctx.args.kind == "outcomes" and getattr(ctx.args, "csv", None):
        from peerdesk.reports.catalog import save_outcome_csv

        saved = save_outcome_csv(db, actor, options, Path(ctx.args.csv))
        print(f"{saved.title} ({saved.detail}) written to {saved.path}")
        if not ctx.args.out:
            return EXIT_OK
    elif not ctx.args.out:
        print(
            "Say where to write the summary: --out FILE.pdf, --csv FOLDER, or both.",
            file=sys.stderr,
        )
        return EXIT_BAD_ARGUMENTS
    saved = save_report(db, actor, ctx.args.kind, options, Path(ctx.args.out))
    print(f"{saved.title} ({saved.detail}) written to {saved.path}")
    return EXIT_OK


def _cmd_export_audit(ctx: Context) -> int:
    from peerdesk.core import audit_log
    from peerdesk.core.files import write_atomically
    from peerdesk.reports.audit_log import render_audit_log

    args = ctx.args
    actor = ctx.actor()
    db = ctx.open_db()
    with db.read() as s:
        audit_filter = audit_log.AuditFilter(
            user_id=audit_log.find_person(s, actor, args.by) if args.by else None,
            entity=args.record[0] if args.record else None,
            entity_id=args.record[1] if args.record else None,
            date_from=args.start,
            date_to=args.end,
        )
        data = audit_log.gather_audit_log(s, actor, audit_log.AuditLogOptions(audit_filter))
    out_path = Path(args.out)
    with write_atomically(out_path) as out:
        render_audit_log(out, data)
    audit_log.record_printed(db, actor, data, str(out_path))
    print(f"Audit log ({len(data.lines)} of {data.matching} lines) written to {out_path}")
    print(data.chain.sentence())
    return EXIT_OK


def _record(text: str) -> tuple[str, int | None]:
    """``residents`` or ``residents:12`` (a kind of record, optionally one record)."""
    from peerdesk.core.audit_log import RECORD_KINDS

    kind, _, number = text.partition(":")
    if kind not in RECORD_KINDS:
        raise argparse.ArgumentTypeError(
            f"{kind!r} is not a kind of record; use one of {', '.join(RECORD_KINDS)}"
        )
    if not number:
        return kind, None
    try:
        return kind, int(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{number!r} is not a record number") from None


# --------------------------------------------------------------------------- backups


_SECRET_OPTIONS = "--passphrase-file FILE or --recovery-key-file FILE"


def _secret_file_text(name: str, what: str) -> str:
    path = Path(name)
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        from peerdesk.core.errors import BackupError

        reason = getattr(exc, "strerror", None) or str(exc)
        raise BackupError(
            f"Could not read the {what} file {path} ({reason}); check its name."
        ) from exc


def _passphrase_from_file(name: str) -> str:
    """The first line of the file, exactly (spaces inside and around it count)."""
    from peerdesk.core.errors import BackupError

    lines = _secret_file_text(name, "passphrase").splitlines()
    if not lines or not lines[0]:
        raise BackupError(
            f"The passphrase file {name} is empty; put the passphrase on its first line."
        )
    return lines[0]


def _recovery_key_from_file(name: str) -> str:
    """The first line that is not empty and not a # comment."""
    from peerdesk.core.errors import BackupError

    for line in _secret_file_text(name, "recovery key").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line
    raise BackupError(
        f"The recovery key file {name} holds no key; put the key on a line of its own."
    )


def _require_terminal(what: str, options: str) -> None:
    from peerdesk.core.errors import BackupError

    if not sys.stdin.isatty():
        raise BackupError(
            f"No {what} was given and there is no terminal to type it in; add {options}."
        )


def _new_passphrase(ctx: Context) -> Passphrase:
    import getpass

    from peerdesk.core.backup import check_new_passphrase
    from peerdesk.core.errors import BackupError

    if ctx.args.passphrase_file:
        return check_new_passphrase(_passphrase_from_file(ctx.args.passphrase_file))
    _require_terminal("passphrase", "--passphrase-file FILE")
    first = getpass.getpass("Passphrase for this backup (at least 12 characters): ")
    passphrase = check_new_passphrase(first)
    if getpass.getpass("Type the passphrase again: ") != first:
        raise BackupError("The two passphrases are not the same; nothing was written, try again.")
    return passphrase


def _unlock_for(ctx: Context, path: Path) -> Unlock:
    """The secret for an existing backup: from a file, this PC's key, or typed."""
    import getpass

    from peerdesk.core import backup

    if ctx.args.passphrase_file:
        return backup.Passphrase(_passphrase_from_file(ctx.args.passphrase_file))
    if ctx.args.recovery_key_file:
        return backup.RecoveryKey.parse(_recovery_key_from_file(ctx.args.recovery_key_file))
    info = backup.read_backup_info(path)  # a damaged file is named before anyone types
    if info.local_key_id is not None:
        local = backup.LocalKey.load(backup.local_key_path(ctx.paths))
        if local is not None and local.key_id == info.local_key_id:
            return local
    if not info.opens_with_passphrase:
        _require_terminal("recovery key", _SECRET_OPTIONS)
        return backup.RecoveryKey.parse(getpass.getpass("Recovery key (from the printed sheet): "))
    _require_terminal("passphrase", _SECRET_OPTIONS)
    return backup.Passphrase(getpass.getpass("Passphrase of the backup: "))


def _when(stamp: dt.datetime) -> str:
    from peerdesk.core import clock

    local = clock.to_local(stamp)
    return f"{local.day} {local:%b %Y %H:%M}"


def _cmd_backup(ctx: Context) -> int:
    from peerdesk.core.backup import back_up
    from peerdesk.core.errors import BackupError

    if not ctx.paths.db.is_file():
        raise BackupError(
            f"There is no database at {ctx.paths.db}, so there is nothing to back up."
        )
    from peerdesk.core.permissions import Action

    actor = ctx.actor()  # sign in before being asked for a passphrase
    if ctx.args.passphrase_file or actor.may(Action.BACKUP_WITH_OWN_PASSPHRASE):
        # Only an administrator may; anyone else's passphrase is refused (and audited).
        passphrase = _new_passphrase(ctx)
    else:
        # Everyone else's backups open with the house's recovery key alone (not this PC's
        # key: on a shared Windows account anyone could take that file home with the stick).
        passphrase = None
    result = back_up(ctx.open_db(), actor, Path(ctx.args.to), passphrase)
    print(result.path)
    if result.note:
        print(result.note, file=sys.stderr)
    return EXIT_OK


def _cmd_verify_backup(ctx: Context) -> int:
    from peerdesk.core.backup import verify_backup

    path = Path(ctx.args.file)
    unlock = _unlock_for(ctx, path)
    work = ctx.paths.db.parent if ctx.paths.db.parent.is_dir() else None
    verified = verify_backup(path, unlock, work_dir=work)
    info = verified.info
    print(f"{path.name}: made on {_when(info.created_at)} by PeerDesk {info.app_version}.")
    print(f"{verified.summary.describe()}.")
    if info.house_id:
        from peerdesk.core.house_identity import shown

        print(f"House ID {shown(info.house_id)}.")
    if info.audit_head is not None:
        print(f"Its audit trail ends at line {info.audit_head[0]:,}.")
    if verified.upgraded_from:
        print(
            f"It is from an older PeerDesk (records at version {verified.upgraded_from}); "
            "restoring it brings it up to date."
        )
    print("Verified: the backup is whole and can be restored.")
    return EXIT_OK


def _confirm_restore(preview: RestorePreview) -> bool:
    backup = preview.backup
    print(f"In the backup (made {_when(backup.info.created_at)}): {backup.summary.describe()}.")
    if preview.current is not None:
        print(f"On this PC now: {preview.current.describe()}.")
    elif preview.current_problem:
        print(preview.current_problem)
    print(
        "Restoring replaces the records on this PC with the backup; a safety copy of what is "
        "here now is kept first."
    )
    if preview.other_house:
        print(preview.other_house_sentence())
        wanted = "replace"
        prompt = "Type replace to put that house in place of this one: "
    else:
        wanted, prompt = "yes", "Type yes to restore: "
    try:
        answer = input(prompt)
    except EOFError:
        return False
    return answer.strip().lower() == wanted or (wanted == "yes" and answer.strip().lower() == "y")


def _cmd_restore(ctx: Context) -> int:
    from peerdesk.core.audit import Actor
    from peerdesk.core.backup import restore_backup
    from peerdesk.core.errors import BackupError
    from peerdesk.core.permissions import Action

    path = Path(ctx.args.file)
    target = ctx.paths.db
    has_records = target.is_file() and target.stat().st_size > 0
    if has_records and not ctx.args.yes and not sys.stdin.isatty():
        raise BackupError(
            "Restoring replaces the records on this PC, so PeerDesk asks first; run this in a "
            "terminal to answer, or add --yes."
        )
    if has_records:
        actor = ctx.actor()  # the records here are protected by their accounts
        ctx.open_db().require(actor, Action.RESTORE)
        ctx.close()  # the restore swaps the file: no connection of ours may stay open
    else:
        actor = Actor.local_administrator()  # a new PC: nothing here to protect yet
    unlock = _unlock_for(ctx, path)
    result = restore_backup(
        path,
        unlock,
        ctx.paths,
        actor=actor,
        confirm=None if ctx.args.yes else _confirm_restore,
        replace_other_house=ctx.args.replace_house,
    )
    print(
        f"Restored from the backup made on {_when(result.backup.created_at)}: "
        f"{result.restored.describe()}."
    )
    if result.safety_copy is not None:
        print(f"The records that were on this PC are kept in {result.safety_copy}.")
    return EXIT_OK


def _cmd_recovery_key(ctx: Context) -> int:
    from peerdesk.core.backup import adopt_recovery_key, new_recovery_sheet
    from peerdesk.core.errors import BackupError
    from peerdesk.core.files import write_atomically
    from peerdesk.reports.recovery_sheet import render_recovery_sheet

    if not ctx.paths.db.is_file():
        raise BackupError(f"There is no database at {ctx.paths.db}; open or restore one first.")
    db = ctx.open_db()
    actor = ctx.actor()
    sheet = new_recovery_sheet(db, actor)
    with write_atomically(Path(ctx.args.sheet)) as out:
        render_recovery_sheet(out, sheet)
    if ctx.args.key_out:
        text = (
            f"# PeerDesk recovery key for {sheet.house_name or 'the house'}, key ID "
            f"{sheet.key_id}, made {_when(sheet.made_at)}.\n"
            "# Anyone with this key can open the house's backups: keep it away from the drive.\n"
            f"{sheet.key_text}\n"
        )
        with write_atomically(Path(ctx.args.key_out)) as out:
            out.write(text.encode("utf-8"))
    info = adopt_recovery_key(db, actor, sheet)
    print(
        f"Recovery key {info.key_id} is ready: every backup made from now on also opens with it. "
        f"Print {ctx.args.sheet}, keep it in a locked drawer, and make a new USB backup."
    )
    return EXIT_OK


# --------------------------------------------------------------------------- the parser


def _add_report_parsers(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``export roster|mentors|signin|outcomes|supervision|facesheet --out FILE.pdf``."""

    def report(name: str, help_text: str, *, pdf_required: bool = True) -> argparse.ArgumentParser:
        parser = kinds.add_parser(name, help=help_text)
        parser.add_argument("--out", required=pdf_required, metavar="FILE.pdf")
        parser.set_defaults(handler=_cmd_export_report)
        return parser

    def period(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--from",
            dest="start",
            type=_iso_date,
            metavar="YYYY-MM-DD",
            help="first day of the period (default: twelve months before --to)",
        )
        parser.add_argument(
            "--to",
            dest="end",
            type=_iso_date,
            metavar="YYYY-MM-DD",
            help="last day of the period (default: today)",
        )

    roster = report("roster", "the resident roster (PDF)")
    roster.add_argument("--group-by", choices=["phase", "room"], default="phase")
    roster.add_argument(
        "--contacts", action="store_true", help="add phone and emergency contact columns"
    )
    mentors = report("mentors", "the peer mentor roster (PDF)")
    mentors.add_argument("--inactive", action="store_true", help="include inactive mentors")
    signin = report("signin", "a group sign-in sheet (PDF)")
    signin.add_argument("--title", default="Group session", help="the session's title")
    signin.add_argument(
        "--date", type=_iso_date, metavar="YYYY-MM-DD", help="the session's date (default today)"
    )
    signin.add_argument("--facilitator", default="", metavar="NAME")
    signin.add_argument("--phase", default="", help="only the residents in this phase")
    signin.add_argument(
        "--blank-rows", type=_count, default=10, metavar="N", help="blank rows (default 10)"
    )
    signin.add_argument("--no-names", action="store_true", help="print no names, only blank rows")
    outcomes = report(
        "outcomes",
        "the outcome summary (PDF, or CSV files with --csv), de-identified by default",
        pdf_required=False,
    )
    period(outcomes)
    outcomes.add_argument(
        "--csv", metavar="DIR", help="write every table as a CSV file into this folder"
    )
    outcomes.add_argument(
        "--grant", default="", metavar="NUMBER", help="the grant or contract number to print"
    )
    outcomes.add_argument(
        "--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="report date (default: --to)"
    )
    outcomes.add_argument(
        "--identified",
        action="store_true",
        help="exact small counts and peer mentors' names (needs permission to print names)",
    )
    supervision = report("supervision", "the supervision log (PDF)")
    period(supervision)
    supervision.add_argument("--mentor", metavar="NAME", help="one peer mentor (default: all)")
    facesheet = report("facesheet", "resident face sheets, one page each (PDF)")
    facesheet.add_argument(
        "--resident",
        action="append",
        default=[],
        metavar="NAME",
        help="one resident (repeat for more; default: everyone in residence)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peerdesk",
        description="PeerDesk, the record book of a peer-driven recovery residence. "
        "Without a command it opens the window.",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--data-dir", metavar="DIR", help="keep the database and local backups in this folder"
    )
    where.add_argument("--db", metavar="FILE", help="use this database file")
    parser.add_argument(
        "--demo", action="store_true", help="open the window on a freshly generated demo house"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the window, visit every tab and form, print one line per check, exit 0 or 1",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help=f"sign in as this account (password from {PASSWORD_ENV} or a prompt); needed "
        "once the house has user accounts",
    )
    parser.add_argument("--version", action="version", version=f"PeerDesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="fill a new database with a realistic synthetic house")
    demo.add_argument(
        "--residents",
        type=_positive_int,
        default=24,
        metavar="N",
        help="number of beds, kept mostly full (default 24)",
    )
    demo.add_argument(
        "--years",
        type=_positive_float,
        default=2.0,
        metavar="Y",
        help="years of history (default 2)",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="the same seed builds the same house (default 1)",
    )
    demo.set_defaults(handler=_cmd_demo)

    check = commands.add_parser(
        "check", help="check the database: integrity, foreign keys, search index, audit trail"
    )
    check.set_defaults(handler=_cmd_check)

    phases = commands.add_parser(
        "phases", help="list the program phases in order, or add, rename, move, retire one"
    )
    actions = phases.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("list", help="every phase in program order (the default)")
    add = actions.add_parser("add", help="a new phase at the end of the program")
    add.add_argument("name")
    add.add_argument("--short", metavar="S", help="a short name for narrow columns")
    add.add_argument(
        "--mentors-may-serve",
        action="store_true",
        help="residents in this phase may serve as peer mentors",
    )
    rename = actions.add_parser("rename", help="give a phase a new name (its history follows)")
    rename.add_argument("name")
    rename.add_argument("new_name", metavar="NEW_NAME")
    rename.add_argument("--short", metavar="S", help="a new short name too")
    move = actions.add_parser("move", help="move a phase earlier or later in the program")
    move.add_argument("name")
    move.add_argument("where", choices=["earlier", "later"])
    for name, help_text in (
        ("retire", "take a phase nobody is in out of use (it is kept)"),
        ("reinstate", "put a retired phase back in use"),
    ):
        actions.add_parser(name, help=help_text).add_argument("name")
    phases.set_defaults(handler=_cmd_phases)

    export = commands.add_parser("export", help="write a printable report or a CSV file")
    kinds = export.add_subparsers(dest="kind", metavar="KIND", required=True)
    csv_parser = kinds.add_parser("csv", help="one table as a CSV file for a spreadsheet")
    csv_parser.add_argument(
        "table", choices=["residents", "mentors", "sessions", "supervision", "assessments"]
    )
    csv_parser.add_argument("--out", required=True, metavar="FILE.csv")
    csv_parser.set_defaults(handler=_cmd_export_csv)
    _add_report_parsers(kinds)
    audit_parser = kinds.add_parser(
        "audit", help="the audit log (PDF): who did what, and whether the trail is whole"
    )
    audit_parser.add_argument("--out", required=True, metavar="FILE.pdf")
    audit_parser.add_argument(
        "--from", dest="start", type=_iso_date, metavar="YYYY-MM-DD", help="first day"
    )
    audit_parser.add_argument(
        "--to", dest="end", type=_iso_date, metavar="YYYY-MM-DD", help="last day"
    )
    audit_parser.add_argument("--by", metavar="USERNAME", help="only this account's lines")
    audit_parser.add_argument(
        "--record",
        type=_record,
        metavar="KIND[:ID]",
        help="only lines about one kind of record (residents, peer_sessions, users, …) or one "
        "record of it (residents:12)",
    )
    audit_parser.set_defaults(handler=_cmd_export_audit)

    import_parser = commands.add_parser(
        "import", help="bring residents or peer mentors in from a .csv or .xlsx spreadsheet"
    )
    import_parser.add_argument("kind", choices=["residents", "mentors"])
    import_parser.add_argument("file", metavar="FILE", help="a .csv or .xlsx file")
    import_parser.add_argument(
        "--dry-run", action="store_true", help="print what would happen to each row; write nothing"
    )
    import_parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the good rows even when some rows are wrong (they are listed)",
    )
    import_parser.add_argument(
        "--date-order",
        choices=["mdy", "dmy"],
        help="how to read a date like 3/7/2026: mdy = 7 March, dmy = 3 July "
        "(default: the house setting)",
    )
    import_parser.set_defaults(handler=_cmd_import)

    backup = commands.add_parser(
        "backup",
        help="write an encrypted backup of the house into a folder (a USB drive), then check it",
    )
    backup.add_argument("--to", required=True, metavar="DIR", help="the folder to write it to")
    backup.add_argument(
        "--passphrase-file",
        metavar="P",
        help="read the passphrase from the first line of this file instead of asking for it",
    )
    backup.set_defaults(handler=_cmd_backup)

    def secret_options(sub: argparse.ArgumentParser) -> None:
        secret = sub.add_mutually_exclusive_group()
        secret.add_argument(
            "--passphrase-file", metavar="P", help="the backup's passphrase, on the first line"
        )
        secret.add_argument(
            "--recovery-key-file", metavar="K", help="the house's recovery key, in a text file"
        )

    verify = commands.add_parser(
        "verify-backup", help="check that a backup file is whole and can be restored"
    )
    verify.add_argument("file", metavar="FILE")
    secret_options(verify)
    verify.set_defaults(handler=_cmd_verify_backup)

    restore = commands.add_parser(
        "restore",
        help="replace the database with the one in a backup (a safety copy is kept first)",
    )
    restore.add_argument("file", metavar="FILE")
    secret_options(restore)
    restore.add_argument(
        "--replace-house",
        action="store_true",
        help="with --yes: restore even a backup of another house than the one on this PC",
    )
    restore.add_argument(
        "--yes", action="store_true", help="do not ask before replacing the records on this PC"
    )
    restore.set_defaults(handler=_cmd_restore)

    recovery = commands.add_parser(
        "recovery-key",
        help="make a new recovery key for the house's backups and write its printable sheet",
    )
    recovery.add_argument("--sheet", required=True, metavar="FILE.pdf", help="the sheet to print")
    recovery.add_argument(
        "--key-out", metavar="FILE.txt", help="also write the key into this text file"
    )
    recovery.set_defaults(handler=_cmd_recovery_key)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from peerdesk.logs import route_missing_streams
    from peerdesk.private_files import private_umask

    route_missing_streams()  # a windowed build has no console: what is printed goes to the log
    parser = build_parser()
    args = parser.parse_args(argv)
    with private_umask():  # every file of the house is created for its owner alone
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    paths = resolve_paths(data_dir=args.data_dir, db=args.db)
    settled = None
    if args.data_dir is None and args.db is None:
        from peerdesk.old_folder import settle_default_folder

        # A Windows house kept by PeerDesk 0.1.0 one folder too deep moves up first.
        settled = settle_default_folder(paths)
        paths = settled.paths
        # The default place is ours to create; a folder the user names must already exist.
        paths.data_dir.mkdir(parents=True, exist_ok=True)
    from peerdesk.private_files import tighten

    tightened = tighten(paths, default_folders=args.data_dir is None and args.db is None)
    from peerdesk.core.leftovers import clean_leftovers

    # A PeerDesk killed mid-way left unfinished backups or the unpacked records of a restore.
    swept = clean_leftovers(paths.db, paths.local_backup_dir)
    ctx = Context(paths=paths, args=args)
    handler: Callable[[Context], int] = getattr(args, "handler", _cmd_gui)
    log_file = _start_log(paths)
    if settled is not None and settled.detail:
        level = logging.INFO if settled.moved else logging.WARNING
        logging.getLogger("peerdesk").log(level, settled.detail)
    if swept:
        logging.getLogger("peerdesk").info(
            "Removed what a PeerDesk that was stopped left behind: %s",
            ", ".join(str(path) for path in swept),
        )
    if tightened:
        logging.getLogger("peerdesk").info(
            "Made %d files and folders private to their owner: %s",
            len(tightened),
            ", ".join(str(path) for path in tightened[:10]),
        )
    try:
        return handler(ctx)
    except PeerDeskError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("Stopped; nothing more was written.", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # What the output went to stopped reading (``peerdesk phases | head -1``): not a
        # defect. Point stdout at nothing so Python's last flush does not fail as well.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_USER_ERROR
    except Exception:
        # A defect in PeerDesk, not the person's doing: the details go to the log.
        logging.getLogger("peerdesk").exception("Unexpected error")
        print(
            "Something went wrong inside PeerDesk; nothing more was written. The details are "
            f"in {log_file}.",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    finally:
        ctx.close()


def _start_log(paths: Paths) -> Path | str:
    from peerdesk.logs import setup_logging

    try:
        return setup_logging(paths.log_dir)
    except OSError:
        return "the log (which could not be opened)"


if __name__ == "__main__":
    sys.exit(main())
