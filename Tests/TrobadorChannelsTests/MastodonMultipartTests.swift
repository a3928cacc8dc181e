import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("Mastodon media upload form")
struct MastodonMultipartTests {
    @Test func the_form_carries_the_description_then_the_file_with_its_name_and_type() throws {
        let image = OccitanieRichPost.image
        let form = MastodonMediaForm(media: image, bytes: OccitanieRichPost.imageBytes)
        let parsed = try #require(StandInMultipart(body: Data(form.body), boundary: form.boundary))
        #expect(parsed.fields["description"].map { String(decoding: $0.data, as: UTF8.self) } == OccitanieRichPost.alt)
        #expect(parsed.fields["file"]?.filename == "affiche.png")
        #expect(parsed.fields["file"]?.contentType == "image/png")
        #expect(parsed.fields["file"]?.data == OccitanieRichPost.imageBytes)
        #expect(form.contentType == "multipart/form-data; boundary=" + form.boundary)
    }

    @Test func quotes_and_line_breaks_in_a_file_name_cannot_break_the_headers() throws {
        var image = OccitanieRichPost.image
        image.name = "a\"b\r\nContent-Type: text/html.png"
        let form = MastodonMediaForm(media: image, bytes: [1, 2, 3])
        let parsed = try #require(StandInMultipart(body: Data(form.body), boundary: form.boundary))
        #expect(parsed.fields["file"]?.filename == "a_b__Content-Type: text/html.png")
        #expect(parsed.fields["file"]?.contentType == "image/png")
    }
}
