"""Guided demo stories: scripted, narrated, checked walks through each workflow and topology."""
