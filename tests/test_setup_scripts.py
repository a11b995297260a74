"""The set-up scripts behind the README's two commands, with apt-get, sudo and Python faked:
either order installs what the command needs, and sudo is used only when not root."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _exe(path: Path, body: str) -> None:
    path.write_text("#!/usr/bin/env bash\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _fake_bin(tmp: Path, *, uid: int, sudo: bool, has_chromium: bool) -> tuple[Path, Path]:
    bin_dir, log = tmp / "bin", tmp / "calls.log"
    bin_dir.mkdir()
    _exe(bin_dir / "id", f'[[ "$1" == -u ]] && echo {uid} || /usr/bin/id "$@"\n')
    _exe(bin_dir / "apt-get", f'echo "apt-get $*" >>{log}\n')
    candidate = "1.0" if has_chromium else "(none)"
    _exe(
        bin_dir / "apt-cache",
        f'if [[ "$2" == chromium ]]; then echo "  Candidate: {candidate}"; else echo "  Candidate: 2.0"; fi\n',
    )
    if sudo:
        _exe(bin_dir / "sudo", f'echo "sudo $*" >>{log}\n"$@"\n')
    return bin_dir, log


def _setup(tmp: Path, what: str, **fake: bool | int) -> tuple[subprocess.CompletedProcess[str], str]:
    bin_dir, log = _fake_bin(tmp, **fake)  # type: ignore[arg-type]
    path = f"{bin_dir}:/usr/bin:/bin"
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup_system.sh"), what],
        env={"PATH": path, "HOME": str(tmp)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, log.read_text(encoding="utf-8") if log.exists() else ""


def test_as_root_apt_get_runs_without_sudo(tmp_path: Path) -> None:
    done, calls = _setup(tmp_path, "test", uid=0, sudo=False, has_chromium=True)
    assert done.returncode == 0, done.stderr
    assert "sudo" not in calls
    install = next(line for line in calls.splitlines() if " install " in line)
    for pkg in ("python3-venv", " chromium ", "fonts-noto-cjk", "libreoffice-writer-nogui", "postgresql"):
        assert pkg in install + " ", pkg


def test_as_a_user_apt_get_runs_through_sudo_and_ubuntu_gets_chromium_browser(tmp_path: Path) -> None:
    done, calls = _setup(tmp_path, "app", uid=1000, sudo=True, has_chromium=False)
    assert done.returncode == 0, done.stderr
    assert "sudo apt-get update" in calls and "sudo apt-get install" in calls
    install = next(line for line in calls.splitlines() if line.startswith("apt-get") and " install " in line)
    assert "chromium-browser" in install and "postgresql" not in install


def test_a_user_without_sudo_is_told_in_japanese(tmp_path: Path) -> None:
    done, calls = _setup(tmp_path, "app", uid=1000, sudo=False, has_chromium=True)
    assert done.returncode == 1 and "root で実行するか、sudo を使えるように" in done.stderr
    assert calls == ""


# ensure_venv.sh: a copy of the script in a throw-away repository with a fake .venv ------------


def _repo(tmp: Path) -> tuple[Path, Path]:
    repo, log = tmp / "repo", tmp / "pip.log"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "ensure_venv.sh", repo / "scripts")
    (repo / "requirements.txt").write_text("streamlit==1.67.0\n", encoding="utf-8")
    (repo / "requirements-dev.txt").write_text("-r requirements.txt\npytest==9.0.3\n", encoding="utf-8")
    installed = tmp / "installed"
    installed.mkdir()
    # `python -m venv .venv` makes a fake interpreter: `-c "import m"` succeeds when m was
    # "installed" (a file named m), and `-m pip install -r FILE` records the call and "installs"
    # every package named in FILE and the files it includes.
    fake_python = f"""
if [[ "$1" == -m && "$2" == venv ]]; then
    mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0
fi
if [[ "$1" == -c ]]; then
    [[ "$2" == "" || "$2" == *version_info* ]] && exit 0
    [[ "$2" == import\\ * ]] && {{ [[ -f {installed}/${{2#import }} ]]; exit $?; }}
    exit 0
fi
if [[ "$1" == -m && "$2" == pip && "$3" == install ]]; then
    echo "$*" >>{log}
    if [[ "$*" == *" -r "* ]]; then
        file="${{@: -1}}"
        for f in "$file" $(sed -n 's/^-r *//p' "$file"); do
            sed -n 's/==.*//p' "$f" | while read -r p; do touch {installed}/$p; done
        done
    fi
    exit 0
fi
exit 0
"""
    _exe(tmp / "python3", fake_python)
    return repo, log


def _ensure(repo: Path, tmp: Path, req: str, *modules: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "scripts/ensure_venv.sh", req, *modules],
        cwd=repo,
        env={**os.environ, "PYTHON": str(tmp / "python3")},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _installs(log: Path) -> list[str]:
    if not log.exists():
        return []
    return [line.split()[-1] for line in log.read_text().splitlines() if " -r " in line]


def test_app_then_tests_adds_the_test_requirements(tmp_path: Path) -> None:
    repo, log = _repo(tmp_path)
    assert _ensure(repo, tmp_path, "requirements.txt", "streamlit").returncode == 0
    assert _installs(log) == ["requirements.txt"]
    done = _ensure(repo, tmp_path, "requirements-dev.txt", "pytest")
    assert done.returncode == 0, done.stderr
    assert _installs(log) == ["requirements.txt", "requirements-dev.txt"]
    assert _ensure(repo, tmp_path, "requirements-dev.txt", "pytest").returncode == 0
    assert _ensure(repo, tmp_path, "requirements.txt", "streamlit").returncode == 0
    assert len(_installs(log)) == 2  # nothing more to do either way


def test_tests_then_app_installs_nothing_more(tmp_path: Path) -> None:
    repo, log = _repo(tmp_path)
    assert _ensure(repo, tmp_path, "requirements-dev.txt", "pytest").returncode == 0
    assert _ensure(repo, tmp_path, "requirements.txt", "streamlit").returncode == 0
    assert _installs(log) == ["requirements-dev.txt"]


def test_a_changed_file_or_a_missing_module_installs_again(tmp_path: Path) -> None:
    repo, log = _repo(tmp_path)
    assert _ensure(repo, tmp_path, "requirements-dev.txt", "pytest").returncode == 0
    (repo / "requirements.txt").write_text("streamlit==1.68.0\n", encoding="utf-8")
    assert _ensure(repo, tmp_path, "requirements-dev.txt", "pytest").returncode == 0
    (tmp_path / "installed" / "pytest").unlink()  # someone uninstalled pytest
    assert _ensure(repo, tmp_path, "requirements-dev.txt", "pytest").returncode == 0
    assert _installs(log) == ["requirements-dev.txt"] * 3


def test_too_old_a_python_is_refused_in_japanese(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    _exe(tmp_path / "python3", 'if [[ "$1" == -c ]]; then exit 1; fi\necho "Python 3.9.18"\n')
    done = _ensure(repo, tmp_path, "requirements.txt")
    assert done.returncode == 1 and "Python 3.11 以上が必要です" in done.stderr
    assert not (repo / ".venv").exists()
