"""Read models that the screens, the command line and the exports share: what a case
means (flags explained, progress, next steps, deadlines), and how it is worded (labels,
dates) from one clock."""
