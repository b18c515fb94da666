"""Models of hardship aid: the household and its figures, the file and its states, records
(attachments, objections, yearly reviews), funds and aid, civil-affairs data."""
