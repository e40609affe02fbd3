package dev.orchard.drift;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models/{name}/drift}: see {@link DriftReport}. */
@RestController
final class DriftController {

    private final DriftReports reports;

    DriftController(DriftReports reports) {
        this.reports = reports;
    }

    @GetMapping("/v1/models/{name}/drift")
    DriftReport drift(@PathVariable String name) {
        return reports.report(name);
    }
}
