import Foundation
@testable import RecoCore
import Testing
import TestSupport

@Suite struct ModelFileTests {
    let directory = TemporaryDirectory()

    /// A small trained model written through `TrainingJob`, with its inputs.
    private func writeModel(_ name: String = "m.recomodel") throws -> (path: String, dataset: RatingsDataset, outcome: TrainingJob.Outcome) {
        var table = RatingsTable()
        var random = SplitMix64(seed: 5)
        for customer in 1...40 {
            for movie in 1...30 where random.nextUnit() < 0.5 {
                table.append(customer: UInt32(customer * 7), movie: UInt32(movie * 3), halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        let dataset = RatingsDataset(table, scale: .netflix)
        var parameters = TrainingParameters()
        parameters.factors = 5
        parameters.epochs = 3
        let job = TrainingJob(dataset: dataset, parameters: parameters)
        let outcome = try job.run()
        let path = directory.path + "/" + name
        try job.write(outcome, to: path)
        return (path, dataset, outcome)
    }

    @Test func roundTripsEveryPart() throws {
        let (path, dataset, outcome) = try writeModel()
        let model = try RecoModel(path: path)
        #expect(model.customerCount == dataset.customerCount)
        #expect(model.movieCount == dataset.movieCount)
        #expect(Array(model.customerIds) == dataset.customerIds)
        #expect(Array(model.movieIds) == dataset.movieIds)
        #expect(Array(model.customerBias) == outcome.model.customerBias)
        #expect(Array(model.movieFactors) == outcome.model.movieFactors)
        #expect(model.factors == 5 && model.stride == 8)
        #expect(model.globalMean == outcome.model.globalMean)
        #expect(model.metadata.parameters.factors == 5)
        #expect(model.metadata.trainingRatings == dataset.count)
        #expect(model.metadata.dataFingerprint == dataset.fingerprint())
        #expect(model.metadata.epochs.count == 3)
        // Rated lists hold exactly each customer's movies, ascending.
        for customer in 0..<dataset.customerCount {
            let expected = (0..<dataset.count).filter { dataset.customerIndex[$0] == UInt32(customer) }.map { dataset.movieIndex[$0] }.sorted()
            #expect(Array(model.ratedMovies(customer: customer)) == expected)
        }
        // Factor rows are aligned for SIMD loads.
        #expect(Int(bitPattern: model.movieFactors.baseAddress) % 64 == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["m.recomodel"])
    }

    @Test func refusesTruncatedFiles() throws {
        let (path, _, _) = try writeModel()
        let bytes = directory.bytes("m.recomodel")
        for cut in [4, 100, bytes.count / 2, bytes.count - 1] {
            directory.file("m.recomodel", bytes: Array(bytes[..<cut]))
            #expect { try RecoModel(path: path) } throws: { ($0 as? FileFormatError)?.code == .truncated }
        }
    }

    @Test func refusesCorruptFiles() throws {
        let (path, _, _) = try writeModel()
        let bytes = directory.bytes("m.recomodel")
        for position in [300, bytes.count / 2, bytes.count - 20] {
            var corrupt = bytes
            corrupt[position] ^= 0x10
            directory.file("m.recomodel", bytes: corrupt)
            #expect { try RecoModel(path: path) } throws: { error in
                guard let error = error as? FileFormatError else { return false }
                return error.code == .corrupt && error.description.contains("checksum")
            }
        }
    }

    /// `bytes` with `patch` applied and the checksum recomputed, as a crafted file would be.
    private func resealed(_ bytes: [UInt8], _ patch: (inout [UInt8]) -> Void) -> [UInt8] {
        var crafted = bytes
        patch(&crafted)
        let checksum = crafted.withUnsafeBytes { Checksum64.ofWhole(UnsafeRawBufferPointer(rebasing: $0[..<(crafted.count - 8)])) }
        withUnsafeBytes(of: checksum.littleEndian) { crafted.replaceSubrange((crafted.count - 8)..., with: $0) }
        return crafted
    }

    private func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<(offset + MemoryLayout<T>.size), with: $0) }
    }

    /// Issue 15 item 6: counts of 2^61 with a valid checksum overflowed and trapped (rc 132);
    /// NaN or infinite values were served as an empty list. Each is refused with a message.
    @Test func refusesCraftedHeadersAndNonFiniteValues() throws {
        let (path, _, _) = try writeModel()
        let bytes = directory.bytes("m.recomodel")
        let craftedCounts: [(String, (inout [UInt8]) -> Void)] = [
            ("customers 2^61", { self.put(UInt64(1) << 61, at: ModelFileLayout.customerCountOffset, in: &$0) }),
            ("movies 2^61", { self.put(UInt64(1) << 61, at: ModelFileLayout.movieCountOffset, in: &$0) }),
            ("rated 2^63", { self.put(UInt64(1) << 63, at: ModelFileLayout.ratedCountOffset, in: &$0) }),
            ("customers 2^64-1", { self.put(UInt64.max, at: ModelFileLayout.customerCountOffset, in: &$0) }),
            ("factors 2^32-1", { self.put(UInt32.max, at: ModelFileLayout.factorsOffset, in: &$0) }),
            ("section offset 2^63", { self.put(UInt64(1) << 63, at: ModelFileLayout.tableEntry(4), in: &$0) }),
            ("section length 2^64-1", { self.put(UInt64.max, at: ModelFileLayout.tableEntry(5) + 8, in: &$0) }),
            ("first rated offset", {
                let table = ModelFileLayout.tableEntry(ModelFileLayout.Section.ratedOffsets.rawValue)
                let offset = Int($0.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: table, as: UInt64.self) })
                self.put(UInt64(1) << 62, at: offset, in: &$0)
            }),
        ]
        for (name, patch) in craftedCounts {
            directory.file("m.recomodel", bytes: resealed(bytes, patch))
            #expect(throws: FileFormatError.self, "\(name)") { try RecoModel(path: path) }
        }
        directory.file("m.recomodel", bytes: bytes)
        let table = ModelFileLayout.tableEntry(ModelFileLayout.Section.movieBias.rawValue)
        let movieBias = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: table, as: UInt64.self) })
        for value in [Float.nan, .infinity, -.infinity] {
            directory.file("m.recomodel", bytes: resealed(bytes) { self.put(value.bitPattern, at: movieBias + 8, in: &$0) })
            #expect { try RecoModel(path: path) } throws: { error in
                let error = error as? FileFormatError
                return error?.code == .corrupt && error?.description.contains("movieBias holds \(value) at index 2") == true
            }
        }
    }

    @Test func refusesNewerVersionsAndOtherFiles() throws {
        let (path, _, _) = try writeModel()
        var bytes = directory.bytes("m.recomodel")
        bytes[8] = UInt8(ModelFileLayout.formatVersion + 1)
        directory.file("m.recomodel", bytes: bytes)
        #expect { try RecoModel(path: path) } throws: { error in
            guard let error = error as? FileFormatError else { return false }
            return error.code == .unsupportedVersion && error.description.contains("newer")
        }
        directory.file("m.recomodel", String(repeating: "not a model ", count: 40))
        #expect { try RecoModel(path: path) } throws: { ($0 as? FileFormatError)?.code == .notThisFormat }
        #expect { try RecoModel(path: directory.path + "/missing.recomodel") } throws: { ($0 as? FileFormatError)?.code == .io }
    }

    @Test func leavesOutCustomersAndMoviesWithoutTrainingRatings() throws {
        var table = RatingsTable()
        table.append(customer: 1, movie: 10, halfStars: 8, day: 0)
        table.append(customer: 2, movie: 20, halfStars: 6, day: 0)
        table.append(customer: 1, movie: 20, halfStars: 4, day: 0)
        let dataset = RatingsDataset(table, scale: .netflix)
        var parameters = TrainingParameters()
        parameters.factors = 2
        parameters.epochs = 1
        // Hold out the only rating of customer 2 (row 1) by training on rows 0 and 2 only.
        let training = TrainingRatings(dataset, rows: [0, 2])
        let (model, _) = try SGDTrainer(parameters: parameters).train(training, scale: .netflix)
        let path = directory.path + "/partial.recomodel"
        try ModelFileWriter.write(model, customerIds: dataset.customerIds, movieIds: dataset.movieIds, ratings: training,
                                  metadata: ModelMetadata(version: "v", createdAt: "now", parameters: parameters, dataFingerprint: "f",
                                                          trainingRatings: 2, holdoutRatings: 1, trainRMSE: nil, holdoutRMSE: nil,
                                                          holdoutMAE: nil, trainingSeconds: 0, epochs: []), to: path)
        let file = try RecoModel(path: path)
        #expect(Array(file.customerIds) == [1])
        #expect(Array(file.movieIds) == [10, 20])
        #expect(file.customerIndex(of: 2) == nil)
    }
}
