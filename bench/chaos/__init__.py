"""The chaos runner: issue 5's failure scenarios against a real stack, one summary line each."""
