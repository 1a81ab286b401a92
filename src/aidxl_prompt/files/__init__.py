"""Files: YAML prompt files and their schema, presets, and variation expansion
(wildcards), all read through the limited YAML reader of ``_yaml_input``.
"""

__all__: list[str] = []
