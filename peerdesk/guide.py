"""The user guide shown under Help → User guide: its pages, and the parts filled in from code.

The guide is plain HTML in ``resources/guide/``, written for a house manager. A few things in
it must always match the program, so the pages name them with placeholders that are filled
in each time a page is shown or printed:

- ``{{role_table}}`` — what each role may do, built from
  :data:`peerdesk.core.permissions.ROLE_PERMISSIONS` (a test checks the two agree);
- ``{{menu:KEY}}`` — a menu entry, as **House → Back up to USB drive…** (see :data:`MENUS`;
  a test checks every entry against the real window once its feature is in the build);
- ``{{button:KEY}}`` — a button on a tab's toolbar (see :data:`BUTTONS`, checked the same way);
- ``{{version}}`` — this PeerDesk's version.

Change a label here, in one place, and every page follows. No Qt in this module.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from peerdesk import __version__
from peerdesk.core.permissions import ROLE_PERMISSIONS, Action
from peerdesk.core.vocab import Role
from peerdesk.paths import resource_dir

# The pages in reading order: the contents, then each chapter.
PAGES: tuple[str, ...] = (
    "index.html",
    "getting-started.html",
    "residents.html",
    "sessions.html",
    "supervision.html",
    "printing.html",
    "funders.html",
    "backup.html",
    "restore.html",
    "import.html",
    "roles.html",
    "problems.html",
)
STYLE_FILE = "guide.css"
TITLE = "PeerDesk user guide"


@dataclass(frozen=True)
class MenuEntry:
    """Where a command stands in the window's menus, as the guide names it.

    ``feature`` is the module that adds the entry (``None`` for the window's own menus): the
    test checks the entry against the real window whenever that module is in the build.
    """

    path: tuple[str, ...]
    shortcut: str = ""
    feature: str | None = None

    def text(self) -> str:
        return " → ".join(self.path)


@dataclass(frozen=True)
class ToolbarButton:
    """A button on one of the record tabs' toolbars (``tab`` is the window's attribute)."""

    tab: str
    label: str


_HELP = "peerdesk.ui.features.help"
_REPORTS = "peerdesk.ui.features.reports"
_BACKUP = "peerdesk.ui.features.backup"
_ACCOUNTS = "peerdesk.ui.features.accounts"
_IMPORTS = "peerdesk.ui.features.imports"
_HOUSE = "peerdesk.ui.features.house"
_FOLLOW_UPS = "peerdesk.ui.features.follow_ups"

MENUS: dict[str, MenuEntry] = {
    "new_record": MenuEntry(("File", "New record…"), "Ctrl+N"),
    "search": MenuEntry(("View", "Search"), "Ctrl+F"),
    "show_voided": MenuEntry(("View", "Show voided records")),
    "guide": MenuEntry(("Help", "User guide"), "F1", _HELP),
    "about": MenuEntry(("Help", "About PeerDesk"), "", _HELP),
    "print": MenuEntry(("Reports", "Print…"), "Ctrl+P", _REPORTS),
    "roster": MenuEntry(("Reports", "Resident roster"), "", _REPORTS),
    "mentor_roster": MenuEntry(("Reports", "Mentor roster"), "", _REPORTS),
    "signin": MenuEntry(("Reports", "Group sign-in sheet"), "", _REPORTS),
    "supervision_log": MenuEntry(("Reports", "Supervision log"), "", _REPORTS),
    "face_sheets": MenuEntry(("Reports", "Resident face sheets"), "", _REPORTS),
    "outcomes": MenuEntry(("Reports", "Outcome summary"), "", _REPORTS),
    "backup": MenuEntry(("House", "Back up to USB drive…"), "", _BACKUP),
    "verify": MenuEntry(("House", "Verify a backup…"), "", _BACKUP),
    "restore": MenuEntry(("House", "Restore a backup…"), "", _BACKUP),
    "recovery_sheet": MenuEntry(("House", "Recovery sheet…"), "", _BACKUP),
    "house_settings": MenuEntry(("House", "House settings…"), "", _HOUSE),
    "program_phases": MenuEntry(("House", "Program phases…"), "", _HOUSE),
    "accounts": MenuEntry(("House", "User accounts…"), "", _ACCOUNTS),
    "password": MenuEntry(("House", "Change my password…"), "", _ACCOUNTS),
    "audit": MenuEntry(("House", "Audit log…"), "", _ACCOUNTS),
    "lock": MenuEntry(("File", "Lock now"), "Ctrl+L", _ACCOUNTS),
    "switch_user": MenuEntry(("File", "Sign out / switch user…"), "", _ACCOUNTS),
    "import": MenuEntry(("File", "Import a spreadsheet…"), "Ctrl+I", _IMPORTS),
    "follow_up": MenuEntry(("File", "Record a follow-up…"), "", _FOLLOW_UPS),
}

BUTTONS: dict[str, ToolbarButton] = {
    "intake": ToolbarButton("residents", "New intake…"),
    "edit_resident": ToolbarButton("residents", "Edit…"),
    "change_phase": ToolbarButton("residents", "Change phase…"),
    "discharge": ToolbarButton("residents", "Discharge…"),
    "readmit": ToolbarButton("residents", "Readmit…"),
    "assessment": ToolbarButton("residents", "Record assessment…"),
    "log_session": ToolbarButton("residents", "Log session…"),
    "new_mentor": ToolbarButton("mentors", "New mentor…"),
    "open_mentor": ToolbarButton("mentors", "Open…"),
    "mentor_inactive": ToolbarButton("mentors", "Make inactive…"),
    "new_session": ToolbarButton("sessions", "New session…"),
    "open_session": ToolbarButton("sessions", "Open…"),
    "void_session": ToolbarButton("sessions", "Void…"),
    "new_note": ToolbarButton("supervision", "New note…"),
    "open_note": ToolbarButton("supervision", "Open…"),
    "void_note": ToolbarButton("supervision", "Void…"),
}

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)(?::([a-z_]+))?\s*\}\}")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL | re.IGNORECASE)
_H2 = re.compile(r'<h2\s+id="([^"]+)"[^>]*>(.*?)</h2>', re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r'href="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')


class GuideMissing(Exception):
    """A page of the guide is not where PeerDesk looks for it (a broken installation)."""


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


@dataclass(frozen=True)
class PageContents:
    """A page's title and its sections, for the table of contents."""

    name: str
    title: str
    sections: tuple[Section, ...]


def guide_dir() -> Path:
    return resource_dir() / "guide"


def source_of(name: str) -> str:
    """A page exactly as written, placeholders and all."""
    if name not in PAGES and name != STYLE_FILE:
        raise GuideMissing(f"The user guide has no page called {name}.")
    path = guide_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GuideMissing(
            f"The user guide is missing from this installation ({path}); install PeerDesk again."
        ) from exc


def style_sheet() -> str:
    """The guide's CSS (the subset Qt's rich text understands)."""
    return source_of(STYLE_FILE)


def _plain(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def _menu_html(key: str) -> str:
    entry = MENUS[key]
    text = f"<b>{html.escape(entry.text())}</b>"
    if entry.shortcut:
        text += f" ({html.escape(entry.shortcut)})"
    return text


_YES = '<td class="yes">Yes</td>'
_NO = '<td class="no">No</td>'


def role_table_html() -> str:
    """What each role may do, one row per action, straight from ``ROLE_PERMISSIONS``."""
    roles = list(Role)
    head = "".join(f'<th class="role">{html.escape(r.label, quote=False)}</th>' for r in roles)
    rows = [f'<tr><th class="action">What they may do</th>{head}</tr>']
    for action in Action:
        cells = "".join(_YES if action in ROLE_PERMISSIONS[r] else _NO for r in roles)
        what = html.escape(action.value[0].upper() + action.value[1:], quote=False)
        rows.append(f'<tr><td class="action">{what}</td>{cells}</tr>')
    table = '<table class="roles" cellspacing="0" cellpadding="4" border="1">'
    return table + "".join(rows) + "</table>"


def fill(text: str) -> str:
    """Replace every placeholder; an unknown one is a mistake in the guide (ValueError)."""

    def replace(match: re.Match[str]) -> str:
        kind, key = match.group(1), match.group(2)
        if kind == "role_table" and key is None:
            return role_table_html()
        if kind == "version" and key is None:
            return html.escape(__version__)
        if kind == "menu" and key in MENUS:
            return _menu_html(key)
        if kind == "button" and key in BUTTONS:
            return f"<b>{html.escape(BUTTONS[key].label)}</b>"
        raise ValueError(f"The guide names an unknown placeholder: {match.group(0)}")

    return _PLACEHOLDER.sub(replace, text)


def render_page(name: str) -> str:
    """A page as shown: placeholders filled and the guide's style sheet inside."""
    text = fill(source_of(name))
    style = f"<style>{style_sheet()}</style>"
    return text.replace("</head>", style + "</head>", 1) if "</head>" in text else style + text


def contents() -> list[PageContents]:
    """Every page after the first with its title and its sections, in reading order."""
    found = []
    for name in PAGES[1:]:
        text = source_of(name)
        heading = _H1.search(text)
        title = _plain(heading.group(1)) if heading else name
        sections = tuple(Section(a, _plain(t)) for a, t in _H2.findall(text))
        found.append(PageContents(name, title, sections))
    return found


def links_of(name: str) -> list[str]:
    """Every link on a page, as written (``page.html``, ``page.html#part`` or ``#part``)."""
    return _HREF.findall(source_of(name))


def anchors_of(name: str) -> set[str]:
    return set(_ID.findall(source_of(name)))


def _body(text: str) -> str:
    match = _BODY.search(text)
    return match.group(1) if match else text


def whole_guide_html() -> str:
    """Every page in one document for printing: each chapter on a new page, links kept."""

    def anchor(page: str, part: str = "") -> str:
        stem = page.removesuffix(".html")
        return f"{stem}--{part}" if part else stem

    def relink(page: str, text: str) -> str:
        def href(match: re.Match[str]) -> str:
            target = match.group(1)
            if "://" in target or target.startswith("mailto:"):
                return match.group(0)
            file, _hash, part = target.partition("#")
            return f'href="#{anchor(file or page, part)}"'

        text = _HREF.sub(href, text)
        return _ID.sub(lambda m: f'id="{anchor(page, m.group(1))}"', text)

    parts = []
    for number, page in enumerate(PAGES):
        body = relink(page, fill(_body(source_of(page))))
        breaking = ' style="page-break-before: always"' if number else ""
        parts.append(f'<div{breaking}><a name="{anchor(page)}"></a>{body}</div>')
    return (
        f"<html><head><title>{TITLE}</title><style>{style_sheet()}</style></head><body>"
        + "".join(parts)
        + f'<p class="small">PeerDesk {html.escape(__version__)}</p></body></html>'
    )
