# The two commands of the README: `make ui` (start the UI on the sample corpus) and `make test`.
.PHONY: ui test bench

ui:
	bash scripts/setup.sh
	.venv/bin/python ui.py

test:
	bash scripts/setup.sh --system
	.venv/bin/python -m pytest -q

bench:
	bash scripts/setup.sh
	for f in bench/bench_*.py; do .venv/bin/python $$f || exit 1; done
