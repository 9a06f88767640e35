"""Stability and gradient-flow diagnostics for recurrent models."""
