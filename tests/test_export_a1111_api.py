"""A1111 web API: the /sdapi/v1/txt2img body (golden), posted to a local HTTP stub."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from aidxl_prompt.card.settings import Settings
from aidxl_prompt.compose import parse
from aidxl_prompt.errors import RenderError
from aidxl_prompt.export.a1111_api import TXT2IMG_PATH, txt2img_body
from aidxl_prompt.files.prompt_file import load_prompt_file

CASES = Path(__file__).parent / "cases" / "export"
GOLDEN_SETTINGS = Settings.preset(
    "dpmpp_2m_karras", width=832, height=1248, seed=1234567890, clip_skip=2
)

# The fields of A1111's StableDiffusionTxt2ImgProcessingAPI (v1.10) that the body uses,
# with the JSON types the API documents for them (a float field also takes an integer).
API_FIELDS: dict[str, tuple[type, ...]] = {
    "prompt": (str,),
    "negative_prompt": (str,),
    "styles": (list,),
    "seed": (int,),
    "sampler_name": (str,),
    "scheduler": (str,),
    "batch_size": (int,),
    "n_iter": (int,),
    "steps": (int,),
    "cfg_scale": (int, float),
    "width": (int,),
    "height": (int,),
    "enable_hr": (bool,),
    "override_settings": (dict,),
}


def _problems(body: Any) -> list[str]:
    """What the stub's API would refuse: not an object, unknown fields, wrong types."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    problems = []
    for key, value in body.items():
        allowed = API_FIELDS.get(key)
        if allowed is None:
            problems.append(f"unknown field {key!r}")
        elif isinstance(value, bool) and bool not in allowed:
            problems.append(f"{key}: expected {allowed}, got a boolean")
        elif not isinstance(value, allowed):
            problems.append(f"{key}: expected {allowed}, got {type(value).__name__}")
    return problems


class _Stub(BaseHTTPRequestHandler):
    """Answers POST /sdapi/v1/txt2img as A1111 does (200 with images and info), or 422
    with the problems found; every body it saw is kept on the server."""

    server: _StubServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        self.server.bodies.append(body)
        problems = [] if self.path == TXT2IMG_PATH else [f"no route {self.path}"]
        problems += _problems(body)
        if self.headers.get("Content-Type") != "application/json":
            problems.append("Content-Type is not application/json")
        status = 422 if problems else 200
        answer = {"detail": problems} if problems else {"images": [], "info": "{}"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads what matters from the server."""


class _StubServer(HTTPServer):
    bodies: list[Any]


@pytest.fixture
def stub() -> Iterator[_StubServer]:
    server = _StubServer(("127.0.0.1", 0), _Stub)  # an ephemeral port on loopback only
    server.bodies = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _post(server: _StubServer, body: Any) -> tuple[int, Any]:
    host, port = server.server_address[:2]
    request = urllib.request.Request(
        f"http://{host!s}:{port}{TXT2IMG_PATH}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_golden_body() -> None:
    body = txt2img_body(load_prompt_file(CASES / "frieren.yaml"), GOLDEN_SETTINGS)
    golden = json.loads((CASES / "frieren.a1111-api.json").read_text(encoding="utf-8"))
    assert body == golden
    assert list(body) == list(golden)  # the key order too


SETTINGS_CASES = [
    GOLDEN_SETTINGS,
    Settings(),  # random seed, no override_settings
    Settings.preset("euler_a", batch_size=4, cfg_scale=5.5, seed=0),
]


@pytest.mark.parametrize("settings", SETTINGS_CASES)
def test_the_stub_accepts_the_body(stub: _StubServer, settings: Settings) -> None:
    body = txt2img_body(load_prompt_file(CASES / "frieren.yaml"), settings)
    assert _post(stub, body) == (200, {"images": [], "info": "{}"})
    (seen,) = stub.bodies
    assert seen == body
    assert seen["seed"] == settings.seed
    assert ("override_settings" in seen) == (settings.clip_skip > 1)


def test_the_stub_refuses_what_the_api_does_not_know(stub: _StubServer) -> None:
    # guards the stub itself: a test that could not fail would prove nothing
    bad = {"prompt": "a", "cfg": 7, "steps": "20", "enable_hr": 1}
    status, answer = _post(stub, bad)
    assert status == 422
    assert answer["detail"] == [
        "unknown field 'cfg'",
        "steps: expected (<class 'int'>,), got str",
        "enable_hr: expected (<class 'bool'>,), got int",
    ]


def test_extra_fields_are_added_but_never_replace() -> None:
    body = txt2img_body(parse("1girl"), Settings(), extra={"styles": ["aidxl"]})
    assert body["styles"] == ["aidxl"]
    assert _problems(body) == []
    with pytest.raises(RenderError) as caught:
        txt2img_body(parse("1girl"), Settings(), extra={"steps": 5})
    assert str(caught.value) == "A1111 API field 'steps' comes from the prompt or the settings"
