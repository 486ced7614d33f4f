# Both targets set up .venv on a fresh machine, so each is the only command a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest sandbox screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/jira-link-assistant

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

sandbox: $(STAMP)
	$(BIN)/jira-link-assistant sandbox --tls --print-guide

# Every page, light and dark, from the real wizard against built-in sandboxes; needs Xvfb (as .ci/run installs).
screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1280x1024x24" $(BIN)/python -m assistant.gui.screenshots docs/screenshots

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

# A one-folder build in dist/ (plus a .app on macOS); then the frozen program checks itself, so what ships is what
# was tested. See installers/README.md.
.PHONY: package
package: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,package]'
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build installers/jira-link-assistant.spec
	dist/jira-link-assistant/jira-link-assistant --self-test
