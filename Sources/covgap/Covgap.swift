import ArgumentParser

@main
struct Covgap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "covgap",
        abstract: "Coverage gaps of mobile and fixed broadband networks, village by village."
    )
}
