"""Page objects: what a person sees and does on each page, named for that."""
