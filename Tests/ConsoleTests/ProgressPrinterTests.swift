import Foundation
import XCTest
import Geo
@testable import Console

final class ProgressPrinterTests: XCTestCase {
    /// Collects what the printer writes.
    final class Sink: @unchecked Sendable {
        // Safe: `text` is only touched under `lock`.
        private let lock = NSLock()
        private var text = ""
        func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
        var value: String { lock.lock(); defer { lock.unlock() }; return text }
    }

    func testTerminalDrawsABarWithPercentCountsAndTimeLeft() {
        let sink = Sink()
        let p = ProgressPrinter(interactive: true, write: sink.append)
        p.show(ProgressEvent(stage: "overlay", done: 250, total: 1000, elapsed: 2, finished: false))
        XCTAssertEqual(sink.value, "\r\u{1B}[K  overlay    ██████··················  25 %  250/1000 villages  ~6 s left")
        p.show(ProgressEvent(stage: "overlay", done: 1000, total: 1000, elapsed: 8.04, finished: true))
        XCTAssertTrue(sink.value.hasSuffix("\r\u{1B}[K  overlay: 1000 villages in 8.0 s\n"))
    }

    func testLogGetsOneLinePerFinishedStage() {
        let sink = Sink()
        let p = ProgressPrinter(interactive: false, write: sink.append)
        let meter = p.meter()
        meter.start("footprints", total: 300)
        for _ in 0..<300 { meter.advance() }
        meter.finish()
        meter.start("read", total: 4)
        meter.finish()
        let lines = sink.value.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, sink.value)
        XCTAssertTrue(lines[0].hasPrefix("covgap ▸ footprints: 300 sectors in "))
        XCTAssertTrue(lines[1].hasPrefix("covgap ▸ read: 4 files in "))
    }

    func testAZonesStageCountsWhatItsStageCounts() {
        let sink = Sink()
        let p = ProgressPrinter(interactive: false, write: sink.append)
        p.show(ProgressEvent(stage: "footprints EPSG:32648", done: 1121, total: 1121, elapsed: 0.04, finished: true))
        p.show(ProgressEvent(stage: "overlay EPSG:32649", done: 78, total: 78, elapsed: 0.01, finished: true))
        p.show(ProgressEvent(stage: "places EPSG:32649", done: 322, total: 322, elapsed: 0.01, finished: true))
        XCTAssertEqual(sink.value, "covgap ▸ footprints EPSG:32648: 1121 sectors in 0.0 s\n"
                       + "covgap ▸ overlay EPSG:32649: 78 villages in 0.0 s\n"
                       + "covgap ▸ places EPSG:32649: 322 places in 0.0 s\n")
    }

    func testNoEstimateBeforeThereIsAPace() {
        XCTAssertNil(ProgressEvent(stage: "x", done: 0, total: 10, elapsed: 5, finished: false).remaining)
        XCTAssertNil(ProgressEvent(stage: "x", done: 5, total: 10, elapsed: 0.1, finished: false).remaining)
        XCTAssertEqual(ProgressEvent(stage: "x", done: 5, total: 10, elapsed: 3, finished: false).remaining, 3)
    }
}
