"""The user project is copied beside the installed wheel and run there, never collected from here."""

collect_ignore = ["user_project"]
