package translate

// allocSize returns what the Go allocator hands out for a request of n
// bytes: small objects are rounded up to their size class, large ones to
// whole pages. Footprints are counted in allocated bytes, not requested
// ones, so that they track the heap a program really holds.
func allocSize(n int) int64 {
	if n <= 0 {
		return 0
	}
	if n > maxSmallSize {
		return int64((n + pageSize - 1) &^ (pageSize - 1))
	}
	if n <= smallestSizes { // most requests: one load, as the runtime does
		return int64(smallSizeClasses[(n+7)>>3])
	}
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi { // the first class >= n
		mid := (lo + hi) / 2
		if sizeClasses[mid] < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return int64(sizeClasses[lo])
}

const (
	maxSmallSize  = 32 << 10
	pageSize      = 8 << 10
	smallestSizes = 1024
)

// smallSizeClasses maps (n+7)/8 to the size class of n, for n up to
// smallestSizes; computed once, read-only after.
var smallSizeClasses = func() (t [smallestSizes/8 + 1]uint16) {
	c := 0
	for i := 1; i < len(t); i++ {
		for sizeClasses[c] < i*8 {
			c++
		}
		t[i] = uint16(sizeClasses[c])
	}
	return t
}()

// sizeClasses are the Go runtime's small-object size classes
// (internal/runtime/gc/sizeclasses.go in Go 1.26; the tiny
// allocator packs pointer-free objects under 16 bytes, so counting them
// as 16 overstates them slightly).
var sizeClasses = [...]int{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768,
	896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
	3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768,
}
