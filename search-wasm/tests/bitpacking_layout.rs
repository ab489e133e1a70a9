//! The browser engine decodes postings with bitpacking's loop-based packers (our patch in
//! `vendor/bitpacking-0.9.3`), while the native indexer writes them with the unrolled ones
//! (SIMD where the CPU has it). Both must agree bit for bit: for every bit width 0..=32 and each
//! of the three variants (plain, sorted deltas, strictly sorted deltas) this packs the same
//! blocks with every implementation, compares the bytes, unpacks every implementation's bytes
//! with every other one, and decodes arbitrary bytes too (a decoder's output is defined for any
//! input, so the loop must reproduce the unrolled code's on all of it, not only on valid blocks).

use bitpacking::BitPacker;
use bitpacking::compare_decoders::{Loop1x, Loop4x, Unrolled1x, Unrolled4x, unrolled4x_scalar};

/// xorshift64*: deterministic test data without a dependency.
struct Rng(u64);

impl Rng {
    fn next_u32(&mut self) -> u32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32
    }

    /// A value of at most `num_bits` bits.
    fn below_bits(&mut self, num_bits: u8) -> u32 {
        match num_bits {
            0 => 0,
            32 => self.next_u32(),
            n => self.next_u32() & ((1u32 << n) - 1),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Variant {
    Plain,
    Sorted(u32),
    StrictlySorted(Option<u32>),
}

/// A block whose (delta-)encoding needs exactly `num_bits` bits in `variant`.
fn block(rng: &mut Rng, len: usize, num_bits: u8, variant: Variant) -> Vec<u32> {
    let mut deltas: Vec<u32> = (0..len).map(|_| rng.below_bits(num_bits)).collect();
    if num_bits > 0 {
        // The widest value makes the width exact; its position varies with the data.
        let at = rng.next_u32() as usize % len;
        deltas[at] |= 1u32 << (num_bits - 1);
    }
    match variant {
        Variant::Plain => deltas,
        Variant::Sorted(initial) => deltas
            .iter()
            .scan(initial, |acc, d| {
                *acc = acc.wrapping_add(*d);
                Some(*acc)
            })
            .collect(),
        Variant::StrictlySorted(initial) => deltas
            .iter()
            .scan(initial.unwrap_or(u32::MAX), |acc, d| {
                *acc = acc.wrapping_add(*d).wrapping_add(1);
                Some(*acc)
            })
            .collect(),
    }
}

fn width<P: BitPacker>(p: &P, variant: Variant, values: &[u32]) -> u8 {
    match variant {
        Variant::Plain => p.num_bits(values),
        Variant::Sorted(initial) => p.num_bits_sorted(initial, values),
        Variant::StrictlySorted(initial) => p.num_bits_strictly_sorted(initial, values),
    }
}

fn pack<P: BitPacker>(p: &P, variant: Variant, values: &[u32], num_bits: u8) -> Vec<u8> {
    let mut out = vec![0u8; P::compressed_block_size(num_bits)];
    let written = match variant {
        Variant::Plain => p.compress(values, &mut out, num_bits),
        Variant::Sorted(initial) => p.compress_sorted(initial, values, &mut out, num_bits),
        Variant::StrictlySorted(initial) => {
            p.compress_strictly_sorted(initial, values, &mut out, num_bits)
        }
    };
    assert_eq!(written, out.len());
    out
}

fn unpack<P: BitPacker>(p: &P, variant: Variant, packed: &[u8], num_bits: u8) -> Vec<u32> {
    let mut out = vec![0x5a5a_5a5a; P::BLOCK_LEN];
    let read = match variant {
        Variant::Plain => p.decompress(packed, &mut out, num_bits),
        Variant::Sorted(initial) => p.decompress_sorted(initial, packed, &mut out, num_bits),
        Variant::StrictlySorted(initial) => {
            p.decompress_strictly_sorted(initial, packed, &mut out, num_bits)
        }
    };
    assert_eq!(read, packed.len());
    out
}

/// Checks `loop_packer` against each of `unrolled` (named for the failure message).
fn same_layout<L: BitPacker, U: BitPacker>(loop_packer: &L, unrolled: &[(&str, U)]) {
    assert_eq!(L::BLOCK_LEN, U::BLOCK_LEN);
    let len = L::BLOCK_LEN;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut checked = 0usize;
    for num_bits in 0..=32u8 {
        let variants = [
            Variant::Plain,
            Variant::Sorted(0),
            Variant::Sorted(rng.next_u32()),
            Variant::StrictlySorted(None),
            Variant::StrictlySorted(Some(rng.next_u32())),
        ];
        for variant in variants {
            for _ in 0..8 {
                let values = block(&mut rng, len, num_bits, variant);
                assert_eq!(width(loop_packer, variant, &values), num_bits);
                let packed = pack(loop_packer, variant, &values, num_bits);
                assert_eq!(unpack(loop_packer, variant, &packed, num_bits), values);
                for (name, other) in unrolled {
                    let context = format!("{name}, {num_bits} bits, {variant:?}");
                    assert_eq!(width(other, variant, &values), num_bits, "{context}");
                    assert_eq!(pack(other, variant, &values, num_bits), packed, "{context}");
                    assert_eq!(
                        unpack(other, variant, &packed, num_bits),
                        values,
                        "{context}"
                    );
                    // Arbitrary bytes: both decoders must produce the same integers.
                    let noise: Vec<u8> = (0..packed.len()).map(|_| rng.next_u32() as u8).collect();
                    assert_eq!(
                        unpack(loop_packer, variant, &noise, num_bits),
                        unpack(other, variant, &noise, num_bits),
                        "{context}, arbitrary bytes"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 33 * 5 * 8 * unrolled.len());
}

#[test]
fn bitpacker4x_loop_matches_unrolled_scalar_and_simd() {
    same_layout(
        &Loop4x::new(),
        &[
            ("unrolled scalar", unrolled4x_scalar()),
            // SSE3 on x86_64, NEON on aarch64 (the native indexer's encoder); scalar elsewhere.
            ("unrolled, best instruction set", Unrolled4x::new()),
        ],
    );
}

#[test]
fn bitpacker1x_loop_matches_unrolled() {
    same_layout(&Loop1x::new(), &[("unrolled", Unrolled1x::new())]);
}
