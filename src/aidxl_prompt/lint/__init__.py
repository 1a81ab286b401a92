"""The linter: coded diagnostics for what in a prompt will not do what the writer meant.

:mod:`~aidxl_prompt.lint.diagnostic` holds the records (:class:`Diagnostic`, :class:`Fix`),
:mod:`~aidxl_prompt.lint.registry` the one table of rules, :mod:`~aidxl_prompt.lint.config`
the selection (:class:`LintConfig`, ``[tool.aidxl-prompt.lint]``), and
:mod:`~aidxl_prompt.lint.linter` the calls (:func:`lint`, :func:`fix`, :func:`lint_lines`), and
:mod:`~aidxl_prompt.lint.prompt_file` :func:`lint_prompt_file` and :func:`fix_prompt_file` for
YAML prompt files.
"""
