"""The writer's own changes to a project (import, manuscript, outline, story bible): one call per action."""
