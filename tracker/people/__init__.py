"""Officials: a public page per person, from the meetings that name them."""
