"""Events of a consultation (meeting, walk, workshop): place, time, accessibility, registration with a
limit; the iCalendar feeds."""
