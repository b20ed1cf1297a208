# Two commands for a fresh machine: `make demo` and `make test`.
# The newest Python found (pyenv's versions included), so that pip installs the newest supported
# ansible-core (2.22 needs Python 3.12 or newer); `make PYTHON=python3.11 test` chooses another.
ifndef PYTHON
PYTHON := $(shell $(CURDIR)/tools/pick_python.sh)
endif
export PYTHON
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# ansible-rulebook in its own environment (see requirements-eda.txt)
EDA_VENV := build/eda-venv
EDA_STAMP := $(EDA_VENV)/.installed
COLLECTIONS := build/collections
LINK := $(COLLECTIONS)/ansible_collections/tagwarden/panos
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export ANSIBLE_LOCAL_TEMP := $(CURDIR)/build/ansible-tmp
export ANSIBLE_HOME := $(CURDIR)/build/ansible-home

.PHONY: demo test pytest unit integration typecheck eda sanity lint docs changelog-lint changelog bench clean

$(STAMP): requirements.txt requirements-test.txt panos_emulator/requirements.txt lumu_emulator/requirements.txt \
		aws_double/requirements.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

$(EDA_STAMP): requirements.txt requirements-eda.txt
	test -x $(EDA_VENV)/bin/python || $(PYTHON) -m venv $(EDA_VENV)
	$(EDA_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(EDA_VENV)/bin/python -m pip install --quiet -r requirements-eda.txt
	touch $@

$(LINK):
	mkdir -p $(dir $(LINK))
	ln -sfn $(CURDIR) $(LINK)

demo: $(STAMP) $(LINK)
	$(BIN)/python -m panos_emulator.run -- $(BIN)/python -m aws_double.run --no-wait -- $(BIN)/python -m lumu_emulator.run -- \
		$(BIN)/python -m panos_emulator.listserver -- $(BIN)/ansible-playbook demo/demo.yml

# pytest's workers wait on servers and subprocesses about half the time, so four workers and the static
# checks beside them fill two cores; each target's output is printed whole when it ends.
test: $(STAMP) $(EDA_STAMP) $(LINK)
	$(MAKE) -j 3 --output-sync=target pytest typecheck sanity lint docs changelog-lint

pytest: $(STAMP) $(EDA_STAMP) $(LINK)
	$(BIN)/python -m pytest -n 4

unit: $(STAMP) $(LINK)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP) $(EDA_STAMP) $(LINK)
	$(BIN)/python -m pytest -n 4 tests/integration panos_emulator lumu_emulator aws_double

# mypy on the collection as Ansible imports it (ansible_collections.tagwarden.panos), see mypy.ini.
typecheck: $(STAMP) $(LINK)
	cd $(COLLECTIONS) && $(CURDIR)/$(BIN)/python -m mypy --config-file $(CURDIR)/mypy.ini \
		-p ansible_collections.tagwarden.panos.plugins

eda: $(STAMP) $(EDA_STAMP) $(LINK)
	$(BIN)/python -m pytest tests/integration/test_eda_rulebook.py

sanity: $(STAMP)
	$(BIN)/python tools/sanity.py

# The whole collection as Automation Hub lints it: production profile, .ansible-lint (roles, playbooks,
# meta/runtime.yml, galaxy.yml, the rulebook, the changelog, the environment definitions).
lint: $(STAMP) $(LINK)
	cd $(LINK) && $(CURDIR)/$(BIN)/ansible-lint --nocolor

# Every plugin's and role's documentation, as docs.ansible.com and Automation Hub render it.
docs: $(STAMP) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs $(LINK)

# The fragments and the generated changelog (changelogs/changelog.yaml, CHANGELOG.rst, CHANGELOG.md).
changelog-lint: $(STAMP)
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# At a release: the fragments into changelogs/changelog.yaml and CHANGELOG.rst/.md, for galaxy.yml's version.
changelog: $(STAMP) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/antsibull-changelog release

bench: $(STAMP) $(LINK)
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf build tests/output .pytest_cache
