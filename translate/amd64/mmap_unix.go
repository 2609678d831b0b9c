//go:build unix

package amd64

import "golang.org/x/sys/unix"

func mapWritable(size int) ([]byte, error) {
	return unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
}

func protectExec(mem []byte) error { return unix.Mprotect(mem, unix.PROT_READ|unix.PROT_EXEC) }

func unmap(mem []byte) error { return unix.Munmap(mem) }
