"""Browser tests: a package, so its conftest is browser.conftest and the fast tests keep `import conftest`."""
