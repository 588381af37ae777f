# The two commands (see README.md): `make run` and `make test`.
.PHONY: run test lint
run:
	scripts/run
test:
	scripts/test
lint:
	scripts/bootstrap test && scripts/lint
