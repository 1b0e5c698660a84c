/** The outcome of a form's last submission, announced to screen readers; red when it failed. */
export function FormMessage({ message }: { message: { text: string; error: boolean } }) {
  return (
    <p role="status" className={message.error ? "error" : "muted"}>
      {message.text}
    </p>
  );
}
