"""The tutorial page: lessons on classifier metrics, with live numbers from the core."""
