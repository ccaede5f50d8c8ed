import XCTest

/// A text written by `write` twice: whole (`drain` false, nothing copied), then drained after
/// every item with item 1 copied as the text the whole writing gave it. Asserts both give the same
/// text and the same ranges, and returns them (whole, drained). `write` returns the text handed out
/// and each item's range.
func writtenWholeAndDrained(file: StaticString = #filePath, line: UInt = #line,
                            _ write: (_ drain: Bool, _ copied: ArraySlice<UInt8>?) -> (text: [UInt8], ranges: [Range<Int>]))
    -> (whole: (text: [UInt8], ranges: [Range<Int>]), drained: (text: [UInt8], ranges: [Range<Int>])) {
    let whole = write(false, nil)
    let drained = write(true, whole.text[whole.ranges[1]])
    XCTAssertEqual(drained.text, whole.text, file: file, line: line)
    XCTAssertEqual(drained.ranges, whole.ranges, file: file, line: line)
    return (whole, drained)
}
