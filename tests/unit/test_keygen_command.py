"""`keygen`: files with the right modes and forms, no overwriting, passphrases never from arguments or output."""

from __future__ import annotations

import argparse
import io
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.commands import keygen
from assistant.core.credentials import inspect_pasted_public_key, load_private_key_pem

PASSPHRASE = "a long enough passphrase"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="jira-link-assistant keygen")
    keygen.add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Umask 0, so only the mode the command asks for decides the permissions."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def no_prompt(_: str) -> str:
    raise AssertionError("the command must not prompt here")


def paths(out: Path, name: str = "link") -> tuple[Path, Path]:
    return out / f"{name}.private.pem", out / f"{name}.public.pem"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_writes_the_pair_with_safe_modes(tmp_path: Path, open_umask: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert keygen.run(parse("--out", str(tmp_path), "--name", "link"), environ={}, prompt=no_prompt) == 0
    private, public = paths(tmp_path)
    assert mode(private) == 0o600
    assert mode(public) == 0o644
    key = load_private_key_pem(private.read_bytes())
    assert key.key_size == 2048
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    inspected = inspect_pasted_public_key(public.read_text())
    out, err = capsys.readouterr()
    assert str(public.resolve()) in out
    assert f"SHA256:{inspected.fingerprint}" in out
    assert "consumer key  jla-" in out
    assert "not encrypted" in out
    body = private.read_text().splitlines()[1:-1]
    assert not any(line in out + err for line in body)
    assert "PRIVATE KEY-----" not in out + err


def test_bits_are_honoured(tmp_path: Path) -> None:
    assert keygen.run(parse("--out", str(tmp_path), "--name", "big", "--bits", "3072"), environ={}) == 0
    assert load_private_key_pem(paths(tmp_path, "big")[0].read_bytes()).key_size == 3072


def test_argparse_refuses_other_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse("--bits", "1024")
    assert caught.value.code == 2
    assert "invalid choice: 1024" in capsys.readouterr().err


def test_a_namespace_with_a_weak_size_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("--out", str(tmp_path))
    args.bits = 1024
    args.encrypt = True
    assert keygen.run(args, environ={}, prompt=no_prompt) == 2
    assert "too weak" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["../escape", "a/b", ".hidden", "", "x" * 101])
def test_a_name_that_is_a_path_is_a_usage_error(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert keygen.run(parse("--out", str(tmp_path), "--name", name), environ={}) == 2
    assert "--name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("existing", ["private", "public"])
def test_existing_files_are_never_overwritten(
    tmp_path: Path, existing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = paths(tmp_path)
    present = private if existing == "private" else public
    present.write_text("keep me")
    assert keygen.run(parse("--out", str(tmp_path), "--name", "link"), environ={}) == 1
    assert present.read_text() == "keep me"
    assert sorted(tmp_path.iterdir()) == [present]
    assert f"refusing to overwrite {present}" in capsys.readouterr().err


def test_a_symlink_in_the_way_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("untouched")
    private, _ = paths(tmp_path)
    private.symlink_to(target)
    assert keygen.run(parse("--out", str(tmp_path), "--name", "link"), environ={}) == 1
    assert target.read_text() == "untouched"


def test_a_missing_output_directory_is_created_private(tmp_path: Path, open_umask: None) -> None:
    out = tmp_path / "keys" / "jira"
    assert keygen.run(parse("--out", str(out), "--name", "link"), environ={}) == 0
    assert mode(out) == 0o700
    assert all(p.exists() for p in paths(out))


def test_an_output_path_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert keygen.run(parse("--out", str(blocker)), environ={}) == 1
    assert "is not a directory" in capsys.readouterr().err


def test_a_directory_that_cannot_be_made_leaves_nothing_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    assert keygen.run(parse("--out", str(tmp_path / "file" / "keys"), "--name", "link"), environ={}) == 1
    assert "cannot create the directory" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_encrypt_with_the_environment_variable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("--out", str(tmp_path), "--name", "link", "--encrypt")
    assert keygen.run(args, environ={"KEY_PASSPHRASE": PASSPHRASE}, prompt=no_prompt) == 0
    private, _ = paths(tmp_path)
    data = private.read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert load_private_key_pem(data, PASSPHRASE).key_size == 2048
    out, err = capsys.readouterr()
    assert PASSPHRASE not in out + err
    assert "encrypted;" in out


def test_encrypt_with_the_prompt_asked_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return PASSPHRASE

    args = parse("--out", str(tmp_path), "--name", "link", "--encrypt")
    assert keygen.run(args, environ={}, prompt=prompt) == 0
    assert len(asked) == 2
    assert load_private_key_pem(paths(tmp_path)[0].read_bytes(), PASSPHRASE)
    assert PASSPHRASE not in "".join(capsys.readouterr())


@pytest.mark.parametrize(
    ("answers", "words"), [(["one", "two"], "the two passphrases differ"), (["", ""], "the passphrase is empty")]
)
def test_prompt_refusals_write_nothing(
    tmp_path: Path, answers: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    replies = iter(answers)
    args = parse("--out", str(tmp_path), "--name", "link", "--encrypt")
    assert keygen.run(args, environ={}, prompt=lambda _: next(replies)) == 1
    assert words in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_empty_environment_passphrase_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("--out", str(tmp_path), "--encrypt")
    assert keygen.run(args, environ={"KEY_PASSPHRASE": ""}, prompt=no_prompt) == 1
    assert "KEY_PASSPHRASE is set but empty" in capsys.readouterr().err


def test_encrypt_without_a_terminal_or_variable_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSPHRASE + "\n" + PASSPHRASE + "\n"))
    assert keygen.run(parse("--out", str(tmp_path), "--encrypt"), environ={}) == 1
    assert "needs a terminal" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_passphrase_variable_without_encrypt_is_pointed_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse("--out", str(tmp_path), "--name", "link")
    assert keygen.run(args, environ={"KEY_PASSPHRASE": PASSPHRASE}, prompt=no_prompt) == 0
    assert "the key is NOT encrypted" in capsys.readouterr().err
    assert paths(tmp_path)[0].read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_there_is_no_passphrase_argument() -> None:
    with pytest.raises(SystemExit):
        parse("--passphrase", PASSPHRASE)
