"""aidxl-prompt: compose, clean, check and render prompts for AIDXL."""
