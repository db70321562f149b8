import Foundation
import RecoArchive
import Testing

struct SigV4SignerTests {
    /// The "GET Object" example of AWS's Signature Version 4 documentation for S3.
    @Test func matchesAWSDocumentedExample() throws {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE",
                                                            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                 region: "us-east-1")
        let headers = signer.sign(method: "GET", path: "/test.txt", headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
                                  payloadSHA256: SigV4Signer.payloadHash([]), date: Date(timeIntervalSince1970: 1_369_353_600))
        let authorization = try #require(headers.first { $0.0 == "authorization" }?.1)
        #expect(authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test func sessionTokenIsSignedAndSecretsAreNeverDescribed() {
        let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "very-secret", sessionToken: "token-secret")
        let headers = SigV4Signer(credentials: credentials, region: "eu-west-1")
            .sign(method: "PUT", path: "/b/k", headers: [("host", "h")], payloadSHA256: SigV4Signer.payloadHash([1]), date: Date())
        #expect(headers.contains { $0.0 == "x-amz-security-token" && $0.1 == "token-secret" })
        #expect(headers.first { $0.0 == "authorization" }?.1.contains("x-amz-security-token") == true)
        #expect(!credentials.description.contains("very-secret"))
        #expect(!credentials.description.contains("token-secret"))
        #expect(!credentials.description.contains("AKIAIOSFODNN7EXAMPLE"))
    }

    @Test func encodesKeysAsS3Expects() {
        #expect(SigV4Signer.encode("topics/t/partition=0/t+0+0000000000.json", keepSlash: true)
                == "topics/t/partition%3D0/t%2B0%2B0000000000.json")
        #expect(SigV4Signer.encode("a b/é~", keepSlash: false) == "a%20b%2F%C3%A9~")
    }

    @Test func credentialsComeFromTheStandardVariables() throws {
        #expect(throws: ArchiveError.self) { try AWSCredentials.fromEnvironment([:]) }
        let credentials = try AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": ""])
        #expect(credentials.sessionToken == nil)
        #expect(AWSCredentials.region(["AWS_DEFAULT_REGION": "eu-central-1"]) == "eu-central-1")
        #expect(AWSCredentials.region(["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-central-1"]) == "us-west-2")
        #expect(AWSCredentials.region([:]) == "us-east-1")
    }
}
