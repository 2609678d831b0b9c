//go:build !(linux && amd64)

package amd64

// Supported reports whether this build can run generated code.
const Supported = false

// Enter panics: generated code runs only on linux/amd64.
func Enter(entry, frame, resume uintptr) {
	panic("amd64: Enter: generated code runs only on linux/amd64 (check amd64.Supported)")
}
