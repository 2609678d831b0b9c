//go:build !unix

package amd64

import "errors"

func mapWritable(int) ([]byte, error) { return nil, errors.ErrUnsupported }

func protectExec([]byte) error { return errors.ErrUnsupported }

func unmap([]byte) error { return errors.ErrUnsupported }
