"""Writes of the catalog: achievements, demands, attachments and their review.

Pages, the API and management commands all call these functions.
"""
