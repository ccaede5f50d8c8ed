import XCTest
@testable import FileCommit

final class AtomicFileTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("geoio-atomic-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        chmod(dir, 0o755)
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }
    }

    func testWritesAndReplaces() throws {
        let path = dir + "/report.json"
        try AtomicFile.write(Array("old\n".utf8), to: path)
        XCTAssertEqual(contents(path), "old\n")
        try AtomicFile.write("Làng O2\n", to: path)
        XCTAssertEqual(contents(path), "Làng O2\n")
        try AtomicFile.write([], to: path)
        XCTAssertEqual(contents(path), "")
        XCTAssertEqual(try leftovers(), [])
    }

    func testFailureWhenParentIsAFile() throws {
        let file = dir + "/not-a-dir"
        try AtomicFile.write("x", to: file)
        let target = file + "/report.json"
        XCTAssertThrowsError(try AtomicFile.write("data", to: target)) { error in
            guard let e = error as? FileWriteError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.path, target)
            XCTAssertEqual(e.errno, ENOTDIR)
            XCTAssertEqual(e.description, "\(target): cannot create a temporary file in its directory: Not a directory")
        }
        XCTAssertEqual(contents(file), "x")
        XCTAssertEqual(try leftovers(), [])
    }

    func testFailureWhenTargetIsADirectoryLeavesNoTemporaryFile() throws {
        let target = dir + "/out"
        try FileManager.default.createDirectory(atPath: target + "/inner", withIntermediateDirectories: true)
        XCTAssertThrowsError(try AtomicFile.write("data", to: target)) { error in
            XCTAssertEqual("\(error)", "\(target): cannot replace: Is a directory")
        }
        XCTAssertEqual(try leftovers(), [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: target + "/inner"))
    }

    func testReadOnlyDirectoryKeepsOldFile() throws {
        try XCTSkipIf(geteuid() == 0, "root ignores directory permissions; the not-a-directory test covers failure")
        let path = dir + "/report.json"
        try AtomicFile.write("old", to: path)
        chmod(dir, 0o555)
        XCTAssertThrowsError(try AtomicFile.write("new", to: path)) { error in
            XCTAssertEqual((error as? FileWriteError)?.errno, EACCES)
        }
        XCTAssertEqual(contents(path), "old")
        XCTAssertEqual(try leftovers(), [])
    }

    func testRelativePath() throws {
        let cwd = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(cwd)) }
        try AtomicFile.write("rel", to: "rel.txt")
        XCTAssertEqual(contents(dir + "/rel.txt"), "rel")
    }

    /// A large buffer goes to the kernel in calls of at most 128 KiB (larger writes cost a virtual
    /// machine several times the system time), again after a short write and EINTR, and every byte
    /// lands in order; a failing write gives its errno.
    func testWriteEveryWritesInSteps() throws {
        let bytes = (0..<300_005).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let path = dir + "/steps.bin"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        var calls: [Int] = []
        XCTAssertNil(writeEvery(fd, bytes, by: { fd, p, n in calls.append(n); return sysWrite(fd, p, n) }))
        XCTAssertEqual(calls, [131_072, 131_072, 37_861])
        // A short write, then an interrupted one, then whole ones.
        XCTAssertEqual(lseek(fd, 0, SEEK_SET), 0)
        calls = []
        XCTAssertNil(writeEvery(fd, bytes, by: { fd, p, n in
            calls.append(n)
            if calls.count == 1 { return sysWrite(fd, p, 1000) }
            if calls.count == 2 { errno = EINTR; return -1 }
            return sysWrite(fd, p, n)
        }))
        XCTAssertEqual(calls, [131_072, 131_072, 131_072, 131_072, 36_861])
        close(fd)
        XCTAssertEqual(FileManager.default.contents(atPath: path).map { [UInt8]($0) }, bytes)
        calls = []
        XCTAssertEqual(writeEvery(fd, bytes, by: { _, _, n in calls.append(n); errno = ENOSPC; return -1 }), ENOSPC)
        XCTAssertEqual(calls, [131_072])
    }
}
