"""Cases: incidents, service requests, problems, changes, releases, improvements, complaints."""
