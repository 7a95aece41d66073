"""The user guide: every page there, every link lands, and the role table is the code's."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from peerdesk import guide
from peerdesk.core.permissions import ROLE_PERMISSIONS, Action
from peerdesk.core.vocab import Role


class _Tables(HTMLParser):
    """The cells of every table, row by row, as plain text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_in(text: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(text)
    return parser.tables


def role_table_in(text: str) -> dict[str, set[str]]:
    """Action sentence → the roles marked Yes, from the one table with a Viewer column."""
    (table,) = [t for t in tables_in(text) if t and "Viewer" in t[0]]
    header, *rows = table
    allowed = {}
    for action, *cells in rows:
        allowed[action] = {
            role for role, cell in zip(header[1:], cells, strict=True) if cell == "Yes"
        }
        assert all(cell in ("Yes", "No") for cell in cells), cells
    return allowed


def expected_roles() -> dict[str, set[str]]:
    return {
        action.value[0].upper() + action.value[1:]: {
            role.label for role in Role if action in ROLE_PERMISSIONS[role]
        }
        for action in Action
    }


def test_the_role_table_shown_is_the_one_the_services_enforce() -> None:
    assert "{{role_table}}" in guide.source_of("roles.html"), "the table is filled from code"
    shown = role_table_in(guide.render_page("roles.html"))
    assert shown == expected_roles()
    assert shown["Restore a backup"] == {"Administrator"}
    assert shown["View the house's records"] == {r.label for r in Role}


def test_the_role_table_follows_a_change_in_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = dict(ROLE_PERMISSIONS)
    changed[Role.VIEWER] = frozenset({Action.VIEW_RECORDS, Action.EXPORT_DATA})
    monkeypatch.setattr(guide, "ROLE_PERMISSIONS", changed)
    shown = role_table_in(guide.render_page("roles.html"))
    assert "Viewer" in shown["Export records to a spreadsheet"]


def test_every_page_renders_with_its_title_and_no_placeholder_left() -> None:
    for page in guide.PAGES:
        text = guide.render_page(page)
        assert "{{" not in text and "}}" not in text, page
        assert re.search(r"<h1>[^<]+</h1>", text), page
        assert "<style>" in text and "h1 {" in text, "the style sheet is inside"
    titles = [c.title for c in guide.contents()]
    assert titles[:3] == [
        "Getting started",
        "Residents: intake, phases and discharge",
        "Logging sessions and groups",
    ]
    assert len(titles) == len(guide.PAGES) - 1


def test_the_guide_covers_what_a_house_manager_must_find() -> None:
    sections = {s.title for c in guide.contents() for s in c.sections}
    for needed in (
        "The first time you open PeerDesk",
        "The first administrator",
        "Intake: admitting a new resident",
        "Discharge",
        "Readmission",
        "Program phases",
        "Logging a group session",
        "Action items",
        "The mentor's acknowledgement",
        "How often: the supervision rule",
        "Reports that name residents: the confidentiality notice",
        '"De-identified": the outcome summary',
        "The passphrase",
        "The recovery key and its sheet",
        'What "Verified" means',
        "Step by step",
        "What each role may do",
    ):
        assert needed in sections, needed


def test_every_link_lands_on_a_page_and_a_heading_that_exist() -> None:
    checked = 0
    for page in guide.PAGES:
        for link in guide.links_of(page):
            target, _hash, anchor = link.partition("#")
            target = target or page
            assert target in guide.PAGES, f"{page} links to a missing page {link}"
            if anchor:
                assert anchor in guide.anchors_of(target), f"{page} links to {link}: no such part"
            checked += 1
    assert checked >= 20


def test_menu_labels_and_buttons_come_from_one_table() -> None:
    sessions = guide.render_page("sessions.html")
    assert "<b>Reports → Group sign-in sheet</b>" in sessions
    assert "<b>New session…</b>" in sessions
    assert "<b>Help → User guide</b> (F1)" in guide.render_page("getting-started.html")
    used = "".join(guide.source_of(p) for p in guide.PAGES)
    unused = [k for k in guide.MENUS if "{{menu:" + k + "}}" not in used]
    unused += [k for k in guide.BUTTONS if "{{button:" + k + "}}" not in used]
    assert unused == [], "labels no page uses"


def test_an_unknown_placeholder_is_a_mistake_not_a_blank() -> None:
    with pytest.raises(ValueError, match=r"\{\{menu:nowhere\}\}"):
        guide.fill("Choose {{menu:nowhere}}.")
    assert guide.fill("{{version}}") == guide.__version__


def test_a_missing_guide_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(guide, "guide_dir", lambda: tmp_path / "guide")
    with pytest.raises(guide.GuideMissing, match="install PeerDesk again"):
        guide.render_page("index.html")
    with pytest.raises(guide.GuideMissing, match="no page called"):
        guide.source_of("../secrets.html")


def test_the_whole_guide_keeps_its_links_inside_one_document() -> None:
    whole = guide.whole_guide_html()
    anchors = set(re.findall(r'(?:name|id)="([^"]+)"', whole))
    links = re.findall(r'href="([^"]*)"', whole)
    assert links and all(link.startswith("#") for link in links)
    assert {link[1:] for link in links} <= anchors
    assert whole.count("page-break-before: always") == len(guide.PAGES) - 1
    assert role_table_in(whole) == expected_roles()
    for chapter in guide.contents():
        assert f">{chapter.title}</h1>" in whole.replace("&quot;", '"')
