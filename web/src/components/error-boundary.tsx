import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { ErrorPanel } from './error-panel.tsx';

interface State {
  readonly error: unknown;
}

/** A rendering error shows as an error panel in place of the page, not as a blank page. */
export class ErrorBoundary extends Component<{ readonly children: ReactNode; readonly resetKey?: string }, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidUpdate(previous: { readonly resetKey?: string }): void {
    // Navigating elsewhere gives the next page a fresh start.
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined) this.setState({ error: undefined });
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('dashboard view failed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error !== undefined) return <ErrorPanel error={this.state.error} title="This view failed to render" />;
    return this.props.children;
  }
}
