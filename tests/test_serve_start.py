"""glyload serve at start: the quick check and the hint that a rebuild needs a restart."""

from __future__ import annotations

from click.testing import CliRunner

from glyload import serve
from glyload.cli import cli


class Stub:
    """Stands in for the uvicorn server: records that it was run, does not listen."""

    def __init__(self, path):
        self.path = path
        self.ran = False

    def run(self):
        self.ran = True


def test_serve_prints_the_restart_hint(built_db, monkeypatch):
    servers = []

    def make_server(path, host, port, **options):
        serve.make_app(path)  # the app builds (and quick-checks) as for real
        servers.append(Stub(path))
        return servers[-1]

    monkeypatch.setattr(serve, "make_server", make_server)
    result = CliRunner().invoke(cli, ["serve", "--db", str(built_db), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"glyload: serving {built_db.resolve()} as /glyload on http://127.0.0.1:8123/ (Ctrl+C stops)",
        "glyload: the database is served immutable: after 'glyload build' restart this server "
        "to publish the rebuild (until then it serves the database it opened)",
    ]
    assert servers[0].ran and servers[0].path == built_db.resolve()


def test_deploy_docs_say_a_rebuild_needs_a_restart():
    from pathlib import Path

    deploy = (Path(__file__).resolve().parents[1] / "docs" / "deploy.md").read_text()
    assert "restart" in deploy.split("## Updating a running server")[1].split("##")[0]
