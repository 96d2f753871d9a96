"""The Compare page: two score columns on the same rows, with paired tests."""
