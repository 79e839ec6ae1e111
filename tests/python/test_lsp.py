"""`cardsmith lsp` driven by a real LSP client (pytest-lsp on pygls), once with the capabilities
Visual Studio Code announces (UTF-16 columns) and once with Neovim's (UTF-8 columns)."""

import asyncio
import pathlib
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from conftest import CARDSMITH

TIMEOUT = 20  # seconds: generous for a loaded 2-core CI machine; a pass takes milliseconds


def recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics in order (with its version),
    so that a test can wait for the diagnostics of one particular edit."""
    client = LanguageClient()
    client.published = []
    client.registrations = []
    store = DEFAULT_CLIENT_FEATURES[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams):
        store(client, params)
        client.published.append(params)

    def register_capability(client: LanguageClient, params: types.RegistrationParams):
        # What VS Code and Neovim do: accept, then send the registered notifications.
        client.registrations.extend(params.registrations)

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register_capability
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[CARDSMITH, "lsp"], client_factory=recording_client),
    params=["visual-studio-code", "neovim"],
)
async def client(lsp_client: LanguageClient, request):
    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities(request.param))
    )
    lsp_client.utf8 = result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


async def published(client: LanguageClient, uri: str, version: int | None = None):
    """The first diagnostics published for `uri` (at `version`, when given) not yet consumed."""

    async def wait():
        while True:
            for index, params in enumerate(client.published):
                if params.uri == uri and (version is None or params.version == version):
                    del client.published[index]
                    return list(params.diagnostics)
            await asyncio.sleep(0.005)

    return await asyncio.wait_for(wait(), TIMEOUT)


def open_document(client: LanguageClient, path: pathlib.Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="markdown",
                version=1,
                text=path.read_text() if text is None else text,
            )
        )
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, *edits):
    """Sends `edits`: (range, text) pairs, or a whole new text when the range is None."""
    changes = []
    for range_, text in edits:
        if range_ is None:
            changes.append(types.TextDocumentContentChangeWholeDocument(text=text))
        else:
            changes.append(types.TextDocumentContentChangePartial(range=range_, text=text))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=changes,
        )
    )


def position_of(client: LanguageClient, text: str, needle: str, after: bool = False) -> types.Position:
    """The LSP position of `needle` in `text` (its end when `after`), in the client's encoding."""
    offset = text.index(needle) + (len(needle) if after else 0)
    line = text.count("\n", 0, offset)
    before = text[text.rfind("\n", 0, offset) + 1 : offset]
    if client.utf8:
        column = len(before.encode("utf-8"))
    else:
        column = len(before.encode("utf-16-le")) // 2
    return types.Position(line=line, character=column)


def span(client, text, needle) -> types.Range:
    return types.Range(start=position_of(client, text, needle), end=position_of(client, text, needle, after=True))


def codes(diagnostics) -> list[str]:
    return sorted(diagnostic.code for diagnostic in diagnostics)


ID = " {#why-parquet}"


async def test_diagnostics_follow_unsaved_edits(client: LanguageClient, project: pathlib.Path):
    lesson = project / "source" / "data-pipelines" / "probes.md"
    on_disk = lesson.read_text()
    uri = open_document(client, lesson)
    assert await published(client, uri, 1) == [], "the seed lesson checks clean"

    # Incremental: delete the id of one question. The file on disk is never touched.
    change(client, uri, 2, (span(client, on_disk, ID), ""))
    (diagnostic,) = await published(client, uri, 2)
    assert diagnostic.code == "S004"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.source == "cardsmith"
    assert "question has no id" in diagnostic.message
    edited = on_disk.replace(ID, "", 1)
    assert diagnostic.range == span(client, edited, "### Why Parquet?")
    assert lesson.read_text() == on_disk

    # Put it back: the diagnostic goes.
    change(client, uri, 3, (types.Range(start=diagnostic.range.end, end=diagnostic.range.end), ID))
    assert await published(client, uri, 3) == []

    # Full-document sync works too: an answer that drops a required point (a lint rule, P001).
    dropped = on_disk.replace("With a **high-water mark**.", "With a bookmark.", 1)
    change(client, uri, 4, (None, dropped))
    diagnostics = await published(client, uri, 4)
    assert codes(diagnostics) == ["P001"], diagnostics
    assert "high-water mark" in diagnostics[0].message
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error


async def test_columns_count_in_the_negotiated_encoding(client: LanguageClient, project: pathlib.Path):
    # Non-ASCII before the problem: UTF-8 and UTF-16 columns differ on this line.
    text = (project / "source" / "data-pipelines" / "probes.md").read_text()
    text = text.replace(
        "### Why Parquet? {#why-parquet}", "### Pourquoi Parquet, ça «marche» 𝄞?", 1
    )
    lesson = project / "source" / "data-pipelines" / "probes.md"
    uri = open_document(client, lesson, text)
    # With the `pdf` feature the sheet also warns (S018) that its fonts lack 𝄞: only S004 is
    # about this heading's id, and its range is what the encoding changes.
    (diagnostic,) = [d for d in await published(client, uri, 1) if d.code == "S004"]
    assert diagnostic.range == span(client, text, "### Pourquoi Parquet, ça «marche» 𝄞?")


async def test_other_files_and_new_unsaved_lessons_count(client: LanguageClient, project: pathlib.Path):
    seed = project / "source" / "data-pipelines" / "probes.md"
    seed_uri = open_document(client, seed)
    assert await published(client, seed_uri, 1) == []
    # A lesson that exists only in the editor, reusing an id of the seed lesson on disk.
    new = project / "source" / "new.md"
    text = "---\nid: new\ntitle: New\ndeck: D\n---\n\n### Why Parquet, again? {#why-parquet}\n\nColumns.\n"
    new_uri = open_document(client, new, text)
    diagnostics = await published(client, new_uri, 1)
    assert "S005" in codes(diagnostics), diagnostics
    (duplicate,) = [d for d in diagnostics if d.code == "S005"]
    related = duplicate.related_information or []
    assert [info.location.uri for info in related] == [seed_uri], duplicate
    assert not new.exists()

    # A Markdown file outside the lesson folder is not a lesson: nothing is published for it.
    readme = project / "README.md"
    readme.write_text("### Not a question\n")
    readme_uri = open_document(client, readme)
    change(client, new_uri, 2, (None, text.replace("{#why-parquet}", "{#why-parquet-again}")))
    assert "S005" not in codes(await published(client, new_uri, 2))
    assert readme_uri not in [params.uri for params in client.published]
    assert readme_uri not in client.diagnostics


async def test_broken_config_is_reported_on_the_lesson(client: LanguageClient, project: pathlib.Path):
    (project / "cardsmith.toml").write_text("[build\n")
    lesson = project / "source" / "data-pipelines" / "probes.md"
    uri = open_document(client, lesson)
    (diagnostic,) = await published(client, uri, 1)
    assert "cannot check this project" in diagnostic.message
    assert "cardsmith.toml" in diagnostic.message
    assert diagnostic.severity == types.DiagnosticSeverity.Error


async def test_hover_on_a_rule_code_shows_its_documentation(client: LanguageClient, project: pathlib.Path):
    lesson = project / "source" / "data-pipelines" / "probes.md"
    text = lesson.read_text().replace(
        "```card\ntags: [batch", "<!-- cardsmith: allow Q001, long-enumeration -->\n```card\ntags: [batch", 1
    )
    uri = open_document(client, lesson, text)
    await published(client, uri, 1)
    document = types.TextDocumentIdentifier(uri=uri)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=position_of(client, text, "001, long"))
    )
    assert hover is not None
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("# long-answer (Q001)")
    assert "## What it does" in hover.contents.value
    assert hover.range == span(client, text, "Q001")
    by_name = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=position_of(client, text, "enumeration -->"))
    )
    assert by_name is not None and "(Q003)" in by_name.contents.value.splitlines()[0], by_name
    nothing = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=position_of(client, text, "high-water mark"))
    )
    assert nothing is None


async def test_code_action_adds_the_missing_id(client: LanguageClient, project: pathlib.Path):
    lesson = project / "source" / "data-pipelines" / "probes.md"
    text = lesson.read_text().replace(ID, "", 1).replace(" {#lambda-vs-kappa}", "", 1)
    uri = open_document(client, lesson, text)
    diagnostics = await published(client, uri, 1)
    assert codes(diagnostics) == ["S004", "S004"]
    first = diagnostics[0]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=first.range.start, end=first.range.start),
            context=types.CodeActionContext(diagnostics=[first]),
        )
    )
    titles = [action.title for action in actions]
    assert titles == [
        "Add item id `{#why-parquet}`",
        "Add every missing item id in this file (2)",
    ], titles
    quickfix, fix_all = actions
    assert quickfix.kind == types.CodeActionKind.QuickFix
    assert quickfix.is_preferred
    assert [d.code for d in quickfix.diagnostics] == ["S004"]
    assert fix_all.kind == "source.fixAll.cardsmith"

    # Apply the quick fix as an editor would; the diagnostic goes, the other stays.
    (edit,) = quickfix.edit.changes[uri]
    assert edit.new_text == ID
    assert edit.range.start == edit.range.end == position_of(client, text, "Why Parquet?", after=True)
    change(client, uri, 2, (edit.range, edit.new_text))
    remaining = await published(client, uri, 2)
    assert codes(remaining) == ["S004"]

    # Only the kinds asked for.
    only_fix_all = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    assert [action.title for action in only_fix_all] == ["Add every missing item id in this file (1)"]
    (edit,) = only_fix_all[0].edit.changes[uri]
    assert edit.new_text == " {#lambda-or-kappa-what-does-each-architecture-cost}"


async def test_changes_on_disk_are_picked_up(client: LanguageClient, project: pathlib.Path):
    # Another lesson, not open in the editor, takes the id of the open one's first question.
    other = project / "source" / "other.md"
    other.write_text("---\nid: other\ntitle: Other\ndeck: D\n---\n\n### Anything else? {#anything-else}\n\nYes.\n")
    lesson = project / "source" / "data-pipelines" / "probes.md"
    uri = open_document(client, lesson)
    assert await published(client, uri, 1) == []
    watched = [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    if client.capabilities.workspace.did_change_watched_files.dynamic_registration:
        assert len(watched) == 1, client.registrations
    other.write_text(other.read_text().replace("{#anything-else}", "{#batch-high-water-mark}"))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=other.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    # The duplicate is reported on the second file in path order, which is not open: it is
    # published anyway (without a version), as `cardsmith check` would report it.
    (duplicate,) = await published(client, other.as_uri())
    assert duplicate.code == "S005", duplicate
    assert await published(client, uri, 1) == []

    # Closing the last open lesson of the project clears everything shown for it.
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert await published(client, other.as_uri()) == []
