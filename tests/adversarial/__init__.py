"""Adversarial tests: authorization, hostile input, fuzzing, crash safety, privacy."""
