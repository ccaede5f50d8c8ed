import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A PostGIS database of its own (initdb in a temporary folder, postgres on 127.0.0.1 on a free
/// port), loaded with the bundled inputs by ogr2ogr, gives covgap the same report as the files.
final class PostGISInputTests: XCTestCase {
    static let bin = "/usr/lib/postgresql/15/bin"
    var dataDir: URL!
    var port = 0
    var started = false

    /// Runs a PostgreSQL tool as the `postgres` user when running as root (postgres refuses root).
    func pg(_ tool: String, _ arguments: [String]) throws -> CLI.Result {
        let path = "\(Self.bin)/\(tool)"
        let (program, args) = getuid() == 0 ? ("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments) : (path, arguments)
        if tool != "pg_ctl" { return try CLI.runTool(program, args, in: dataDir.deletingLastPathComponent()) }
        // pg_ctl through posix_spawn and waitpid, its output to /dev/null (the server's own goes to
        // the log): the server it leaves running must hold no pipe of ours, and Foundation's Process
        // did not see runuser end once pg_ctl's server had detached.
        let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let command: [String] = ["/bin/sh", "-c", "cd / && exec \(program) \(quoted) </dev/null >/dev/null 2>&1"]
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv + [nil], environ) == 0 else { throw NSError(domain: "posix_spawn", code: Int(errno)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let log = (try? String(contentsOf: dataDir.deletingLastPathComponent().appendingPathComponent("log"), encoding: .utf8)) ?? ""
        return CLI.Result(status: exitStatus, stdout: "", stderr: log)
    }

    /// A port nobody listens on: the one the kernel gives a socket bound to port 0.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "socket", code: Int(errno)) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw NSError(domain: "bind", code: Int(errno)) }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "\(Self.bin)/initdb") else {
            throw XCTSkip("PostgreSQL 15 is not installed (Scripts/setup installs it)")
        }
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-pg-\(UUID().uuidString)")
        dataDir = parent.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: parent.path)
        }
        let initdb = try pg("initdb", ["-D", dataDir.path, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C"])
        XCTAssertEqual(initdb.status, 0, initdb.stderr)
        port = try Self.freePort()
        let start = try pg("pg_ctl", ["-D", dataDir.path, "-l", parent.appendingPathComponent("log").path, "-w", "-o",
                                      "-p \(port) -k \(parent.path) -c listen_addresses=127.0.0.1", "start"])
        XCTAssertEqual(start.status, 0, start.stderr + start.stdout)
        started = start.status == 0
        let db = try pg("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "covgap"])
        XCTAssertEqual(db.status, 0, db.stderr)
        let ext = try pg("psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", "covgap", "-c", "CREATE EXTENSION postgis"])
        XCTAssertEqual(ext.status, 0, ext.stderr)
    }

    override func tearDownWithError() throws {
        if started { _ = try pg("pg_ctl", ["-D", dataDir.path, "-m", "fast", "-w", "stop"]) }
        if let dataDir { try? FileManager.default.removeItem(at: dataDir.deletingLastPathComponent()) }
    }

    func testPostGISGivesTheSameReport() throws {
        let connection = "PG:host=127.0.0.1 port=\(port) dbname=covgap user=postgres"
        let b = OGRInputTests.bundled.path
        for (layer, file, extra) in [("villages", "villages.geojson", []), ("fibre", "fibre.geojson", []), ("places", "places.geojson", []),
                                     ("sites", "sites.csv", ["-oo", "AUTODETECT_TYPE=YES"])] {
            try OGRInputTests.ogr2ogr(["-f", "PostgreSQL", connection, "\(b)/\(file)", "-nln", layer] + extra, in: OGRInputTests.bundled)
        }
        let out = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["analyze", "--villages", "\(connection):villages", "--sites", "\(connection):sites",
                             "--fibre", "\(connection):fibre", "--places", "\(connection):places", "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        // The villages' centre is a double precision[] column there, read back as [lon, lat]: no --centres needed.
        XCTAssertEqual(json["warnings"] as! [String], [])
        try assertSameReport(json, tolerance: 1e-6)
        let inputs = json["inputs"] as! [String: Any]
        XCTAssertEqual((inputs["sites"] as! [String: Any])["count"] as? Int, 3042)
        XCTAssertEqual((inputs["villages"] as! [String: Any])["path"] as? String, "\(connection):villages")
    }
}
