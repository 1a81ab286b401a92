"""Files: YAML prompt files and their schema, presets, and variation expansion
(wildcards), all read through the limited YAML reader of ``_yaml_input``.

The public modules are :mod:`.prompt_file` (read, load and write prompt files; the
schema), :mod:`.presets` and :mod:`.expand`. Behind them, lowest first: ``_problems``
(how a wrong entry is reported), ``_format`` (the format's keys, as data),
``_document`` (the parsed file and its resolution), ``_entries`` (one entry),
``_reader`` (YAML to a parsed file), ``_library`` (where presets are found, each read
once), ``_writer`` (a Prompt to YAML) and ``_schema`` (the JSON Schema, generated from
``_format``).
"""

__all__: list[str] = []
