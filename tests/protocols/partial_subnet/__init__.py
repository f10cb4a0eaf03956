"""A subnet package whose protocol has one of each construct a real module gets partially generated for."""
