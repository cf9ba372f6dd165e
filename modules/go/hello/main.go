// Command hello prints one line; it is the smallest Go workload.
package main

import "fmt"

func main() {
	fmt.Println("hello from Go")
}
