import Link from "next/link";

export default function NotFound() {
  return (
    <main>
      <h1>Page not found</h1>
      <p>There is no page at this address.</p>
      <Link href="/">Go to your calendar</Link>
    </main>
  );
}
