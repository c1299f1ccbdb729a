"""Booking engine services: every state change of classes, bookings and waitlists."""
