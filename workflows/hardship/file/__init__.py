"""The hardship file page: who may see it (access), what may be done on it (actions), its
forms and views."""
